"""The before/after section of the school DOCX report and the sheet of the XLSX annexes."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.coverage.test_reports import _docx_text
from tests.evidence.factories import pair
from tests.factories import make_student


def download(client, user, name, fmt):
    client.force_login(user)
    response = client.get(reverse(name, args=[fmt]), {"as_of": "2025-12-31"})
    assert response.status_code == 200
    return response.content


def test_school_docx_has_the_section_with_its_denominator(client, full_class):
    text = _docx_text(download(client, full_class.school_admin, "coverage_school_report", "docx"))
    assert "Kết quả trước và sau khóa học" in text
    assert "Số học sinh có cả bài kiểm tra đầu vào và cuối khóa: 13 (đã làm bài đầu vào: 13" in text
    assert "20,0% trước khóa học, 80,0% sau khóa học (+60,0 điểm phần trăm)" in text
    assert "Em có tài khoản VNeID mức 2 chưa? Tỷ lệ chọn “Đã có và em tự đăng nhập được”: 0,0% trước, 100,0% sau." in text
    # By grade: grade 10 (12 pairs) has figures, grade 11 (1 pair) has only its count.
    assert "Khối 10\n12\n20,0\n80,0" in text and "Khối 11\n1\nchưa đủ dữ liệu" in text


def test_docx_says_not_enough_data_when_few_students_have_both(client, world):
    pair(world.students[0])
    text = _docx_text(download(client, world.school_admin, "coverage_school_report", "docx"))
    assert "Số học sinh có cả bài kiểm tra đầu vào và cuối khóa: 1" in text
    assert "Chưa đủ dữ liệu để nêu tỷ lệ (cần ít nhất 10 học sinh có cả hai bài)." in text
    assert "80,0% sau khóa học" not in text


def test_school_annex_sheet_per_class(client, full_class):
    workbook = load_workbook(io.BytesIO(download(client, full_class.school_admin, "coverage_school_report", "xlsx")))
    sheet = workbook["Trước và sau khóa học"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]][:8] == ["STT", "Lớp", "Đã làm bài đầu vào", "Đã làm bài cuối khóa",
                                               "Có cả hai bài", "Điểm TB trước (%)", "Điểm TB sau (%)",
                                               "Chênh lệch (điểm %)"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]}
    assert rows["10A1"][2:11] == (12, 12, 12, 20, 80, 60, 0, 100, 0)
    assert rows["11A2"][2:6] == (1, 1, 1, "chưa đủ dữ liệu")
    assert rows["Tổng cộng"][2:8] == (13, 13, 13, 20, 80, 60)


def test_province_annex_sheet_per_school_without_names(client, full_class):
    make_student(full_class.foreign_classroom, "Học Sinh Trường Khác", consent=False)
    workbook = load_workbook(io.BytesIO(download(client, full_class.province_admin, "coverage_province_report",
                                                 "xlsx")))
    sheet = workbook["Trước và sau khóa học"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1]}
    assert rows[full_class.school.name][2:6] == (13, 13, 13, 20)
    assert rows[full_class.other_school.name][2:6] == (0, 0, 0, "chưa đủ dữ liệu")
    text = " ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r if v is not None)
    assert "Học Sinh" not in text
