"""Spreadsheets in and out: uploads read with bounded work, exports that never write a formula.

Reading, shared by every import (rosters, question banks):

openpyxl's read-only mode still converts every cell of a row (shared string,
number, style) before the caller can drop it: a sheet formatted out to
thousands of columns costs minutes of CPU although only a handful of columns
matter. Here a row is read only up to the last column the importer needs, the
cells beyond it are skipped unconverted, and every cell read is charged to a
`CellBudget` that refuses the file past a limit with a Vietnamese message.

Writing, shared by every export (CSV or XLSX): text stays text, never a formula.

CSV has no cell types, so text a spreadsheet would evaluate (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe, which
Excel and LibreOffice read as "this is text". XLSX has types: such text is
written as a string-typed cell, unchanged (an apostrophe there would be part of
the text: a student named "'=1+2 Hoàng"). Characters XML cannot hold are dropped.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator

from django.utils.functional import Promise
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.utils.cell import column_index_from_string
from openpyxl.worksheet._reader import WorkSheetParser

MAX_CELLS = 1_000_000
"""Cells read per upload (rows × columns up to the last header): 20,000 students × 50 columns."""
MAX_COLUMNS = 16_384
"""Excel's own limit: the header rows are read up to it."""
MAX_UNZIPPED_BYTES = 150 * 1024 * 1024
"""An XLSX is a zip: archives that inflate to far more than any import needs are refused unread."""


class TooManyCells(ValueError):
    """The file holds more cells to read than any import needs."""

    def __init__(self, limit: int):
        self.limit = limit
        count = f"{limit:,}".replace(",", ".")
        self.message = (
            f"Bảng tính có quá nhiều ô cần đọc (hơn {count} ô trong các cột có tiêu đề). "
            "Hãy xoá các dòng, cột thừa hoặc tách thành nhiều tệp nhỏ hơn rồi tải lên lại."
        )
        super().__init__(self.message)


class CellBudget:
    """How many more cells this upload may read."""

    def __init__(self, limit: int | None = None):
        self.limit = MAX_CELLS if limit is None else limit
        self.spent = 0

    def charge(self, cells: int) -> None:
        self.spent += cells
        if self.spent > self.limit:
            raise TooManyCells(self.limit)


def unzipped_bytes(data: bytes) -> int:
    """The inflated size an XLSX declares (raises zipfile.BadZipFile and the like on damaged archives)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _column_of(coordinate: str) -> int:
    letters = coordinate.rstrip("0123456789")
    return column_index_from_string(letters) if letters else 0


class _BoundedParser(WorkSheetParser):
    """openpyxl's worksheet parser, converting only the cells up to `max_col`."""

    def __init__(self, *args, max_col: int, budget: CellBudget, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_col = max_col
        self.budget = budget

    def parse_row(self, row):
        number = row.get("r")
        if number is not None:
            value = float(number)
            if not value.is_integer():
                raise ValueError(f"{number} is not a valid row number")
            self.row_counter = int(value)
        else:
            self.row_counter += 1
        self.col_counter = 0
        cells = []
        for element in row:  # cells come in column order: stop at the first one past max_col
            coordinate = element.get("r")
            column = _column_of(coordinate) if coordinate else self.col_counter + 1
            if column > self.max_col:
                break
            cells.append(self.parse_cell(element))
        self.budget.charge(len(cells))
        return self.row_counter, cells


def xlsx_rows(worksheet, *, budget: CellBudget, max_col: int | None = None) -> Iterator[list[ReadOnlyCell | None]]:
    """The rows of a read-only worksheet from row 1 (missing rows as empty lists), up to `max_col` columns.

    Each row is a list of cells indexed from column A (None where the file has no cell).
    """
    limit = min(max_col or MAX_COLUMNS, MAX_COLUMNS)
    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = _BoundedParser(
            source, worksheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
            date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats,
            max_col=limit, budget=budget,
        )
        expected = 1
        for number, cells in parser.parse():
            for _ in range(expected, number):
                yield []
            expected = number + 1
            if not cells:
                yield []
                continue
            row: list[ReadOnlyCell | None] = [None] * cells[-1]["column"]
            for cell in cells:
                if 1 <= cell["column"] <= len(row):
                    row[cell["column"] - 1] = ReadOnlyCell(worksheet, **cell)
            yield row


# Writing ------------------------------------------------------------------------
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    return str(value) if isinstance(value, Promise) else value


def csv_value(value):
    """A CSV field: text a spreadsheet would run as a formula is prefixed with an apostrophe."""
    value = _plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row(values: Iterable) -> list:
    return [csv_value(value) for value in values]


def xlsx_value(sheet, value, *, font=None):
    """An XLSX cell for ``sheet``'s ``append``: text as a string-typed cell, unchanged; other values as they are."""
    value = _plain(value)
    if not isinstance(value, str) and font is None:
        return value
    cell = Cell(sheet, row=1, column=1, value=ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
    if font is not None:
        cell.font = font
    return cell


def xlsx_row(sheet, values: Iterable, *, font=None) -> list:
    return [xlsx_value(sheet, value, font=font) for value in values]


def xlsx_set(sheet, row: int, column: int, value) -> Cell:
    """Write one cell of a (not write-only) sheet in place, text as a string-typed cell."""
    value = _plain(value)
    cell = sheet.cell(row=row, column=column, value=ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str)
                      else value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell
