"""One rule for every exported cell: CSV text a spreadsheet would evaluate gets an apostrophe; XLSX text is a
string-typed cell holding the text unchanged."""

import csv
import io

import pytest
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from quizsite.spreadsheets import csv_row, csv_value, xlsx_row, xlsx_set

FORMULAS = ["=1+2 Hoàng", "+84 912", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x";"Bấm")']


@pytest.mark.parametrize(("value", "expected"), [
    *((text, "'" + text) for text in FORMULAS), ("Hằng", "Hằng"), (-1, -1), (None, None), ("", ""), (2.5, 2.5),
    (gettext_lazy("Giải"), "Giải"),
])
def test_csv_values(value, expected):
    assert csv_value(value) == expected


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_text_is_a_string_cell_with_the_text_unchanged(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("x")
    sheet.append(xlsx_row(sheet, [*FORMULAS, 7, None, "a\x01b", gettext_lazy("Giải")]))
    if not write_only:
        xlsx_set(sheet, 2, 1, "=SUM(A1:A3)")
    buffer = io.BytesIO()
    workbook.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue()))["x"]
    row = list(loaded[1])
    assert [cell.value for cell in row[: len(FORMULAS)]] == FORMULAS
    assert all(cell.data_type == "s" for cell in row[: len(FORMULAS)])
    assert [cell.value for cell in row[len(FORMULAS):]] == [7, None, "ab", "Giải"]
    if not write_only:
        assert (loaded["A2"].value, loaded["A2"].data_type) == ("=SUM(A1:A3)", "s")


def test_a_csv_row_reads_back_as_text_excel_will_not_evaluate():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(csv_row(["=1+2", "An", 3]))
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+2", "An", "3"]
