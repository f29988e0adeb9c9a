"""A teacher imports a CSDL export into 10A1, prints the slips; a student logs in with one; a bad file imports nothing."""

import io
import secrets

import openpyxl
import pytest
from pypdf import PdfReader

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

# Vietnamese order sorts by given name, then middle name, then family name: Ân < Bảo < Đào.
NEW_STUDENTS = ["Vũ Thị Kiều Đào", "Lý Văn Ân", "Âu Gia Bảo"]
IN_ORDER = ["Lý Văn Ân", "Âu Gia Bảo", "Vũ Thị Kiều Đào"]


def csdl_export(tmp_path, rows, name="csdl-10a1.xlsx"):
    """An export as the education-sector database gives it: title rows, STT, forbidden columns."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["SỞ GIÁO DỤC VÀ ĐÀO TẠO GIA LAI"])
    sheet.append(["TRƯỜNG THPT PHAN BỘI CHÂU – DANH SÁCH HỌC SINH LỚP 10A1"])
    sheet.append([])
    sheet.append(["STT", "Mã lớp", "Mã định danh Bộ GD&ĐT", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Số ĐDCN"])
    for number, row in enumerate(rows, start=1):
        sheet.append([number, *row])
    path = tmp_path / name
    workbook.save(path)
    return path


def class_page(page, server):
    page.goto(server.url + "/teacher/")
    page.get_by_role("link", name="10A1", exact=True).first.click()
    page.wait_for_load_state("networkidle")


def students_table(page):
    return page.locator("main table").first


def student_count(page) -> int:
    return students_table(page).locator("tbody tr").count()


def test_teacher_imports_a_csdl_export_prints_slips_and_a_student_logs_in(page, new_page, live_server_url, tmp_path):
    server = live_server_url
    suffix = f"{secrets.randbelow(10**6):06d}"
    keys = [f"79{suffix}{n:02d}" for n in range(1, 4)]
    citizen_ids = [f"0791{suffix}{n:02d}" for n in range(1, 4)]
    rows = [["10A1", key, name, "05/09/2009", "Nữ" if n % 2 else "Nam", "Kinh", citizen]
            for n, (key, name, citizen) in enumerate(zip(keys, NEW_STUDENTS, citizen_ids, strict=True))]
    roster = csdl_export(tmp_path, rows)

    login(page, server, "gv.lan")
    class_page(page, server)
    before = student_count(page)
    page.get_by_role("link", name="Nhập danh sách từ tệp").click()
    assert_accessible(page)

    page.set_input_files("#id_file", str(roster))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Xem trước danh sách"
    summary = page.locator(".roster-summary").inner_text()
    assert "3 học sinh mới" in summary.replace("\n", " ")
    assert "Dân tộc" in page.content() and "Số ĐDCN" in page.content()
    assert not any(number in page.content() for number in citizen_ids)
    assert_accessible(page)

    page.get_by_role("button", name="Xác nhận nhập danh sách").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Đã nhập danh sách"
    assert_accessible(page)
    slip_rows = page.locator(".slips-table tbody tr")
    assert slip_rows.count() == 3
    assert [slip_rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == IN_ORDER
    username = slip_rows.nth(0).locator(".slip-username").inner_text()
    password = slip_rows.nth(0).locator(".slip-password").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải phiếu để in (PDF, 10 phiếu mỗi trang A4)").click()
    pdf_text = PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read())).pages[0].extract_text()
    assert username in pdf_text and password in pdf_text and "PHIẾU ĐĂNG NHẬP" in pdf_text

    page.get_by_role("link", name="Xem lớp 10A1").click()
    page.wait_for_load_state("networkidle")
    assert student_count(page) == before + 3
    names = students_table(page).locator("tbody tr td:nth-child(2)").all_inner_texts()
    positions = [names.index(name) for name in IN_ORDER]
    assert positions == sorted(positions)
    for name in IN_ORDER:
        assert students_table(page).locator("tbody tr", has_text=name).locator(".badge").inner_text() == "Chưa có"
    assert_accessible(page)

    student = new_page()
    login(student, server, username, password)
    assert "/accounts/password_change/" in student.url
    student.fill("#id_old_password", password)
    student.fill("#id_new_password1", "Mat-khau-rieng-2025!")
    student.fill("#id_new_password2", "Mat-khau-rieng-2025!")
    student.get_by_role("button", name="Lưu mật khẩu mới").click()
    student.wait_for_load_state("networkidle")
    assert "/accounts/password_change/" not in student.url
    assert "Lý Văn Ân" in student.content()


def test_a_bad_file_shows_row_errors_and_imports_nothing(page, live_server_url, tmp_path):
    server = live_server_url
    suffix = f"{secrets.randbelow(10**6):06d}"
    rows = [
        ["10A1", f"78{suffix}01", "Trịnh Văn Đúng", "01/02/2009", "Nam", "Kinh", ""],
        ["10A1", f"78{suffix}02", "", "01/02/2009", "Nữ", "Kinh", ""],
        ["10A1", f"78{suffix}03", "Trịnh Thị Sai", "31/02/2009", "Nữ", "Kinh", ""],
    ]
    login(page, server, "gv.lan")
    class_page(page, server)
    before = student_count(page)
    page.get_by_role("link", name="Nhập danh sách từ tệp").click()
    page.set_input_files("#id_file", str(csdl_export(tmp_path, rows, "loi.xlsx")))
    page.get_by_role("button", name="Xem trước").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Danh sách có lỗi, chưa nhập gì"
    errors = page.locator(".roster-errors tbody tr").all_inner_texts()
    assert any(text.startswith("6") and "Thiếu họ và tên." in text for text in errors)
    assert any(text.startswith("7") and "Ngày sinh" in text for text in errors)
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Tải 2 dòng lỗi (Excel, có cột ghi lỗi)").click()
    assert download_info.value.suggested_filename == "dong-loi-danh-sach.xlsx"
    class_page(page, server)
    assert student_count(page) == before
    assert "Trịnh Văn Đúng" not in page.content()
