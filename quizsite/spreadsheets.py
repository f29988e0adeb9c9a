"""Cells of every exported spreadsheet, CSV or XLSX: text stays text, never a formula.

CSV has no cell types, so text a spreadsheet would evaluate (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe, which
Excel and LibreOffice read as "this is text". XLSX has types: such text is
written as a string-typed cell, unchanged (an apostrophe there would be part of
the text: a student named "'=1+2 Hoàng"). Characters XML cannot hold are dropped.
"""

from collections.abc import Iterable

from django.utils.functional import Promise
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
