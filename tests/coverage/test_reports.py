"""DOCX and XLSX reports, opened with python-docx and openpyxl and checked against the database."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from coverage import reports, selectors
from coverage.models import ExportLog
from coverage.selectors import Scope
from tests.coverage.helpers import at, train
from tests.factories import make_student

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("day", "expected"), [
    (date(2026, 1, 5), "Pleiku, ngày 05 tháng 01 năm 2026"),
    (date(2026, 2, 28), "Pleiku, ngày 28 tháng 02 năm 2026"),
    (date(2025, 3, 9), "Pleiku, ngày 09 tháng 3 năm 2025"),
    (date(2025, 12, 10), "Pleiku, ngày 10 tháng 12 năm 2025"),
    (date(2025, 10, 1), "Pleiku, ngày 01 tháng 10 năm 2025"),
])
def test_document_date_line(day, expected):
    assert reports.document_date_line("Pleiku", day) == expected


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture
def progressed(world, course):
    a, b, _c = world.students
    train(a, course, at(2025, 10, 1))
    train(b, course, at(2026, 3, 1))
    make_student(world.other_classroom, "Đinh Văn Mười Một")
    return world


def test_school_docx_has_the_administrative_format_and_db_figures(client, progressed):
    world = progressed
    client.force_login(world.school_admin)
    response = client.get(reverse("coverage_school_report", args=["docx"]), {"preset": "first_term"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = _docx_text(response.content)
    school = world.school
    enrolled, trained = selectors.coverage_counts(Scope.of(school, world.year), cutoff=world.year.first_term_ends_on)
    assert (enrolled, trained) == (4, 1)
    for expected in [
        school.province.department_name.upper(), school.name.upper(), f"Số: …/BC-{school.code}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "V/v báo cáo kết quả phổ cập kỹ năng sử dụng dịch vụ công trực tuyến cho học sinh",
        f"Kính gửi: {school.province.department_name}.", "Học kỳ I năm học 2025-2026",
        f"Tổng số học sinh: {enrolled}; số học sinh đã được phổ cập", f": {trained}, đạt tỷ lệ 25,0%",
        "I. KẾT QUẢ ĐẠT ĐƯỢC", "II. TỒN TẠI, HẠN CHẾ", "III. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:", "HIỆU TRƯỞNG",
        school.principal_name, f"{school.place_name}, ngày ",
        "Mục tiêu 80% đến ngày 31/12/2025: chưa đạt",
    ]:
        assert expected in text, expected
    assert "Khối 10\n3\n1\n33,3" in text and "Khối 11\n1\n0\n0,0" in text
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.scope, log.file_format, log.date_to) == (
        world.school_admin, "report", "school", "docx", world.year.first_term_ends_on)


def test_school_annex_has_a_sheet_per_grade_frozen_headers_and_totals(client, progressed):
    world = progressed
    client.force_login(world.school_admin)
    response = client.get(reverse("coverage_school_report", args=["xlsx"]), {"preset": "end_of_year"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tổng hợp", "Khối 10", "Khối 11", "Trước và sau khóa học"]
    grade10 = workbook["Khối 10"]
    assert grade10.freeze_panes == "A2"
    assert [c.value for c in grade10[1]][:5] == ["STT", "Lớp", "Sĩ số", "Đã được phổ cập", "Tỷ lệ phổ cập (%)"]
    assert [c.value for c in grade10[2]][:5] == [1, "10A1", 3, 2, 66.7]
    assert [c.value for c in grade10[3]][1:4] == ["Tổng cộng", 3, 2]
    summary = workbook["Tổng hợp"]
    assert [c.value for c in summary[summary.max_row]][1:4] == ["Tổng cộng", 4, 2]
    assert ExportLog.objects.get().kind == "annex"


def test_province_report_lists_schools_without_student_names(client, progressed):
    world = progressed
    client.force_login(world.province_admin)
    text = _docx_text(client.get(reverse("coverage_province_report", args=["docx"]),
                                 {"preset": "end_of_year"}).content)
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text and "Kính gửi: Bộ Giáo dục và Đào tạo." in text
    assert "GIÁM ĐỐC" in text and "Số: …/BC-SGDĐT" in text
    assert world.school.name in text and world.other_school.name in text
    assert all(s.full_name not in text for s in world.students)
    annex = load_workbook(io.BytesIO(client.get(reverse("coverage_province_report", args=["xlsx"]),
                                                {"preset": "end_of_year"}).content))
    sheet = annex["Các trường"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[world.school.name][2:4] == (4, 2)
    assert rows[world.other_school.name][2:4] == (1, 0)
    assert rows["Tổng cộng"][2:4] == (5, 2)
