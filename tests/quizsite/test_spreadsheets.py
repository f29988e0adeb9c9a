"""Bounded spreadsheet reading: cells past the last needed column are skipped, every cell read is charged."""

import io

import openpyxl
import pytest
from openpyxl.worksheet._reader import WorkSheetParser

from quizsite import spreadsheets


def _book(rows) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True, data_only=True)


@pytest.fixture
def converted(monkeypatch):
    """How many cells openpyxl converted (shared string, number, style lookups)."""
    calls = []
    original = WorkSheetParser.parse_cell

    def counting(self, element):
        calls.append(1)
        return original(self, element)

    monkeypatch.setattr(WorkSheetParser, "parse_cell", counting)
    return calls


def test_cells_past_the_last_needed_column_are_not_converted(converted):
    book = _book([["a", "b", "c", *["rác"] * 200] for _ in range(20)])
    budget = spreadsheets.CellBudget()
    rows = [[cell.value for cell in row] for row in spreadsheets.xlsx_rows(book.active, budget=budget, max_col=3)]
    assert rows == [["a", "b", "c"]] * 20
    assert len(converted) == 60 and budget.spent == 60


def test_missing_rows_and_cells_keep_their_places():
    workbook = openpyxl.Workbook()
    workbook.active["B2"] = "x"
    workbook.active["D4"] = 5
    buffer = io.BytesIO()
    workbook.save(buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)
    rows = list(spreadsheets.xlsx_rows(book.active, budget=spreadsheets.CellBudget()))
    assert [[None if c is None else c.value for c in row] for row in rows] == [[], [None, "x"], [], [None] * 3 + [5]]


def test_a_budget_refuses_past_its_limit_with_a_vietnamese_message():
    book = _book([["a"] * 10 for _ in range(10)])
    with pytest.raises(spreadsheets.TooManyCells) as caught:
        list(spreadsheets.xlsx_rows(book.active, budget=spreadsheets.CellBudget(95)))
    assert "quá nhiều ô" in caught.value.message and "95" in caught.value.message
