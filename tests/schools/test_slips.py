"""Login slips: the printable PDF and XLSX, reprinting a class's slips, and the first login with a slip password."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from schools.models import User
from schools.slips import Slip, slips_pdf, slips_xlsx
from tests.schools.roster_helpers import csdl_xlsx, import_file, payload_of, slips_of

LOGIN_URL = "https://dvctt.example.edu.vn/accounts/login/"


def slip(number: int, name: str = "Nguyễn Thị Ngọc Hằng") -> Slip:
    return Slip("Trường THPT Phan Bội Châu", "10A1", name, f"hangntn{1000 + number}", f"abcdefghj{number:02d}")


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


class TestSlipFiles:
    def test_the_pdf_has_ten_slips_per_a4_page_in_vietnamese(self):
        pages = pdf_text(slips_pdf([slip(n) for n in range(23)], login_url=LOGIN_URL))
        assert len(pages) == 3
        assert pages[0].count("PHIẾU ĐĂNG NHẬP") == 10 and pages[2].count("PHIẾU ĐĂNG NHẬP") == 3
        first = pages[0]
        for text in ("Trường THPT Phan Bội Châu", "Lớp 10A1", "Nguyễn Thị Ngọc Hằng", "hangntn1000", "abcdefghj00",
                     LOGIN_URL, "đổi mật khẩu ở lần đăng nhập đầu"):
            assert text in first

    def test_the_pdf_keeps_long_names_and_markup_as_plain_text(self):
        text = pdf_text(slips_pdf([slip(1, "<b>Tôn Nữ Hoàng Thị Phương Thảo Nguyên Bảo</b>")], login_url=LOGIN_URL))[0]
        assert "<b>Tôn Nữ Hoàng Thị Phương Thảo Nguyên Bảo</b>" in text.replace("\n", " ")

    def test_an_empty_slip_list_is_refused(self):
        with pytest.raises(ValueError):
            slips_pdf([], login_url=LOGIN_URL)

    def test_the_xlsx_has_one_row_per_student_and_formulas_stay_text(self):
        data = slips_xlsx([slip(1), slip(2, "=HYPERLINK(\"x\")")], login_url=LOGIN_URL)
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == ("Lớp", "Họ và tên", "Tên đăng nhập", "Mật khẩu tạm", "Địa chỉ đăng nhập")
        assert rows[1] == ("10A1", "Nguyễn Thị Ngọc Hằng", "hangntn1001", "abcdefghj01", LOGIN_URL)
        assert sheet["B3"].data_type == "s" and rows[2][1] == "=HYPERLINK(\"x\")"


@pytest.mark.django_db
class TestImportSlips:
    def test_the_result_page_offers_the_slips_as_pdf_and_xlsx(self, client, world, settings):
        settings.PUBLIC_BASE_URL = "https://dvctt.example.edu.vn"
        client.force_login(world.teacher)
        result = import_file(client, csdl_xlsx([("10A1", "6400001001", "Kiều Thị Phiếu")]))
        [(username, password)] = slips_of(result)
        payload = payload_of(result)
        pdf = client.post(reverse("roster_download"), {"payload": payload, "format": "pdf"})
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert {"private", "no-store"} <= {part.strip() for part in pdf["Cache-Control"].split(",")}
        text = pdf_text(pdf.content)[0]
        assert username in text and password in text and "Kiều Thị Phiếu" in text and LOGIN_URL in text
        workbook = client.post(reverse("roster_download"), {"payload": payload, "format": "xlsx"})
        rows = list(openpyxl.load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
        assert rows[1][2:4] == (username, password)

    def test_without_a_public_base_url_slips_name_the_address_the_teacher_used(self, client, world, settings):
        settings.PUBLIC_BASE_URL = ""
        client.defaults["HTTP_HOST"] = "127.0.0.1:8401"
        client.force_login(world.teacher)
        result = import_file(client, csdl_xlsx([("10A1", "6400001003", "Kiều Thị Ba")]))
        pdf = client.post(reverse("roster_download"), {"payload": payload_of(result), "format": "pdf"})
        assert "http://127.0.0.1:8401/accounts/login/" in pdf_text(pdf.content)[0]

    def test_slip_downloads_are_bound_to_the_user_and_a_known_format(self, client, world):
        client.force_login(world.teacher)
        payload = payload_of(import_file(client, csdl_xlsx([("10A1", "6400001002", "Kiều Văn Hai")])))
        assert client.post(reverse("roster_download"), {"payload": payload, "format": "docx"}).status_code == 400
        client.force_login(world.other_teacher)
        assert client.post(reverse("roster_download"), {"payload": payload, "format": "pdf"}).status_code == 400

    def test_a_student_logs_in_with_a_slip_password_and_must_change_it(self, client, world):
        client.force_login(world.teacher)
        [(username, password)] = slips_of(import_file(client, csdl_xlsx([("10A1", "6400001003", "Kiều Văn Ba")])))
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert response.status_code == 302
        assert client.get(reverse("student_home"))["Location"] == reverse("password_change")
        new_password = "Mat-khau-rieng-cua-em-2025"
        response = client.post(
            reverse("password_change"),
            {"old_password": password, "new_password1": new_password, "new_password2": new_password},
        )
        assert response.status_code == 302
        student = User.objects.get(username=username)
        assert not student.must_change_password
        assert client.get(reverse("student_home")).status_code == 200
        assert not student.check_password(password)


@pytest.mark.django_db
class TestReprint:
    def test_the_selection_lists_the_class_in_vietnamese_order(self, client, world):
        client.force_login(world.teacher)
        body = client.get(reverse("classroom_slips", args=[world.classroom.pk])).content.decode()
        names = re.findall(r"(Trần Văn An|Lê Đức Bình|Nguyễn Thị Hằng) \(", body)
        assert names == ["Trần Văn An", "Lê Đức Bình", "Nguyễn Thị Hằng"]

    def test_nothing_selected_is_a_400(self, client, world):
        client.force_login(world.teacher)
        response = client.post(reverse("classroom_slips", args=[world.classroom.pk]), {})
        assert response.status_code == 400
        assert "Hãy chọn ít nhất một học sinh." in response.content.decode()

    def test_reprinting_resets_only_the_chosen_students_after_a_confirmation(self, client, world):
        chosen, other = world.students[0], world.students[1]
        client.force_login(world.teacher)
        url = reverse("classroom_slips", args=[world.classroom.pk])
        confirm_page = client.post(url, {"students": [chosen.pk]})
        assert confirm_page.status_code == 200 and "Xác nhận cấp lại mật khẩu" in confirm_page.content.decode()
        chosen.refresh_from_db()
        assert chosen.check_password("Matkhau-an-toan-2025"), "nothing changes before the confirmation"

        response = client.post(url, {"students": [chosen.pk], "confirm": "on"})
        assert response.status_code == 200
        [(username, password)] = slips_of(response)
        chosen.refresh_from_db()
        other.refresh_from_db()
        assert username == chosen.username and chosen.check_password(password) and chosen.must_change_password
        assert other.check_password("Matkhau-an-toan-2025")
        pdf = client.post(reverse("roster_download"), {"payload": payload_of(response), "format": "pdf"})
        assert pdf["Content-Disposition"] == 'attachment; filename="phieu-dang-nhap-10a1.pdf"'
        assert password in pdf_text(pdf.content)[0]

    def test_students_of_another_class_cannot_be_chosen(self, client, world):
        client.force_login(world.teacher)
        response = client.post(
            reverse("classroom_slips", args=[world.classroom.pk]), {"students": [world.foreign_student.pk], "confirm": "on"}
        )
        assert response.status_code == 400
        world.foreign_student.refresh_from_db()
        assert world.foreign_student.check_password("Matkhau-an-toan-2025")
