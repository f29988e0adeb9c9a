"""A school admin creates a class and a teacher; the teacher and a student log in; every page passes axe."""

import secrets

import pytest

from tests.e2e.conftest import assert_accessible, login, logout

pytestmark = pytest.mark.e2e


def test_school_admin_creates_class_and_teacher_who_then_sees_it(page, live_server_url):
    server = live_server_url
    suffix = secrets.token_hex(2)
    class_name = f"12A{int(suffix, 16) % 90 + 10}"
    teacher_username = f"gv.moi{suffix}"

    page.goto(server.url + "/accounts/login/")
    assert_accessible(page)
    login(page, server, "ql.pbc")
    page.goto(server.url + "/school/")
    assert_accessible(page)

    page.fill("#id_name", class_name)
    page.click("button:has-text('Tạo lớp')")
    assert page.locator(".message-success").inner_text().startswith("Đã tạo lớp")

    page.fill("#id_full_name", "Đinh Thị Thu Hương")
    page.fill("#id_username", teacher_username)
    page.fill("#id_password", "Giaovien-2025!")
    page.click("button:has-text('Tạo giáo viên')")
    assert "Đinh Thị Thu Hương" in page.locator(".message-success").inner_text()

    page.select_option("#id_teacher", label=f"Đinh Thị Thu Hương ({teacher_username})")
    page.select_option("#id_classroom", label=f"{class_name} (2025-2026)")
    page.check("#id_is_homeroom")
    page.click("button:has-text('Phân công')")
    assert "Đã phân công" in page.locator(".message-success").inner_text()
    logout(page)

    login(page, server, teacher_username, "Giaovien-2025!")
    assert page.url.endswith("/teacher/")
    class_link = page.locator(f"table a:text-is('{class_name}')")
    assert class_link.is_visible()
    assert_accessible(page)
    class_link.click()
    assert page.locator("h1").inner_text() == f"Lớp {class_name}"
    assert_accessible(page)
    logout(page)


def test_student_logs_in_and_out(page, live_server_url):
    login(page, live_server_url, "hs.demo")
    assert "/student/" in page.url or "/lessons/" in page.url
    assert "Nguyễn Thị Ngọc Hằng" in page.content()
    assert_accessible(page)
    logout(page)
    page.goto(live_server_url.url + "/student/")
    assert "/accounts/login/" in page.url
