"""Participation exports: BOM, formula injection neutralised, scoped per role, audited."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coverage.models import ExportLog
from tests.coverage.helpers import at, train
from tests.factories import make_student

pytestmark = pytest.mark.django_db
RANGE = {"date_from": "2025-09-05", "date_to": "2026-05-31"}


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_class_csv_is_streamed_with_bom_and_neutralised_names(client, world, course):
    evil = make_student(world.classroom, "=HYPERLINK(\"http://x\";\"Bấm\")")
    train(world.students[0], course, at(2025, 10, 1))
    client.force_login(world.teacher)
    response = client.get(reverse("coverage_export_classroom", args=[world.classroom.pk, "csv"]), RANGE)
    assert response.status_code == 200 and response.streaming
    text = _csv(response)
    assert text.startswith("\ufeffSTT,Họ và tên")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert evil.pk and "Nguyễn Thị Hằng" in text and "Bùi Thị Xa" not in text
    assert "Có,01/10/2025" in text


def test_class_xlsx_keeps_a_formula_like_name_as_text_without_an_apostrophe(client, world, course):
    make_student(world.classroom, "=1+2 Hoàng")
    client.force_login(world.teacher)
    response = client.get(reverse("coverage_export_classroom", args=[world.classroom.pk, "xlsx"]), RANGE)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "=1+2 Hoàng"]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert not any(str(cell.value).startswith("'") for row in sheet.iter_rows() for cell in row)


def test_school_xlsx_is_neutralised_and_scoped(client, world, course):
    make_student(world.other_classroom, "@cmd")
    client.force_login(world.school_admin)
    response = client.get(reverse("coverage_export_school", args=["xlsx"]), RANGE)
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    names = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert names["@cmd"] == "s" and "'@cmd" not in names  # a text cell, the name unchanged
    assert "Nguyễn Thị Hằng" in names and "Bùi Thị Xa" not in names
    assert sheet.freeze_panes == "A2"


def test_province_export_has_classes_and_no_names(client, world, course):
    train(world.students[0], course, at(2025, 10, 1))
    client.force_login(world.province_admin)
    text = _csv(client.get(reverse("coverage_export_province", args=["csv"]), RANGE))
    assert world.school.name in text and world.other_school.name in text
    assert all(s.full_name not in text for s in [*world.students, world.foreign_student])
    client.force_login(world.foreign_province_admin)
    other = _csv(client.get(reverse("coverage_export_province", args=["csv"]), RANGE))
    assert world.school.name not in other


def test_every_export_is_audited(client, world):
    client.force_login(world.teacher)
    client.get(reverse("coverage_export_classroom", args=[world.classroom.pk, "xlsx"]), RANGE)
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.scope, log.scope_id, log.file_format) == (
        world.teacher, "participation", "classroom", world.classroom.pk, "xlsx")
    assert str(log.date_from) == "2025-09-05" and str(log.date_to) == "2026-05-31"


def test_refused_exports_are_not_logged(client, world):
    client.force_login(world.teacher)
    assert client.get(reverse("coverage_export_classroom", args=[world.foreign_classroom.pk, "csv"]),
                      RANGE).status_code == 404
    assert client.get(reverse("coverage_export_school", args=["csv"]), RANGE).status_code == 403
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize("query", [
    {}, {"date_from": "2026-01-01", "date_to": "2025-01-01"}, {"date_from": "x", "date_to": "2026-01-01"},
    {"date_from": "2020-01-01", "date_to": "2026-01-01"},
])
def test_bad_date_range_is_a_400_and_not_logged(client, world, query):
    client.force_login(world.teacher)
    response = client.get(reverse("coverage_export_classroom", args=[world.classroom.pk, "csv"]), query)
    assert response.status_code == 400
    assert not ExportLog.objects.exists()


def test_province_export_counts_students_trained_within_the_range(client, world, course):
    import csv
    import io as _io

    train(world.students[0], course, at(2025, 10, 1))
    train(world.students[1], course, at(2025, 12, 1))
    client.force_login(world.province_admin)
    text = _csv(client.get(reverse("coverage_export_province", args=["csv"]),
                           {"date_from": "2025-11-01", "date_to": "2026-05-31"}))
    rows = list(csv.reader(_io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    mine = next(r for r in body if r[1] == world.school.name and r[2] == "10A1")
    assert mine[header.index("Đã được phổ cập")] == "2"
    assert mine[header.index("Phổ cập trong kỳ")] == "1"
