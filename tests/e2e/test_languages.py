"""One language at a time in a real browser: an English phone still gets Vietnamese until English is chosen.

axe reports no serious or critical violation on the pages visited, in both languages.
"""

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

# The e2e server runs with DEBUG on, so a 404 there is Django's debug page: the 403 below stands for the error pages.
STUDENT_PAGES = ["/student/", "/lessons/", "/certificates/", "/contests/join/", "/verify/", "/school/"]
TEACHER_PAGES = ["/teacher/", "/contests/", "/contests/new/", "/school/"]  # /school/: a 403 for a teacher too


def choose_language(page, label: str) -> None:
    page.select_option("#lang", label=label)
    page.locator(".lang-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def visit_all(page, server, paths: list[str], lang: str) -> None:
    for path in paths:
        page.goto(server.url + path)
        assert page.locator("html").get_attribute("lang") == lang, path
        assert_accessible(page)


@pytest.fixture
def english_phone(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_an_english_phone_gets_vietnamese_until_english_is_chosen(english_phone, live_server_url):
    page = english_phone
    server = live_server_url
    login(page, server, "hs.demo")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("button:has-text('Đăng xuất')").is_visible()
    visit_all(page, server, STUDENT_PAGES, "vi")

    page.goto(server.url + "/student/")
    choose_language(page, "English")
    assert page.url.endswith("/student/")
    assert page.locator("button:has-text('Log out')").is_visible()
    assert "Đăng xuất" not in page.content()
    visit_all(page, server, STUDENT_PAGES, "en")

    page.goto(server.url + "/lessons/")
    page.locator("main h2 a[href^='/lessons/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("article.lesson-body").get_attribute("lang") == "vi"
    assert page.locator("h1").get_attribute("lang") == "vi"
    assert_accessible(page)

    choose_language(page, "Tiếng Việt")
    assert page.locator("html").get_attribute("lang") == "vi"


def test_teacher_pages_pass_axe_in_english(page, live_server_url):
    login(page, live_server_url, "gv.lan")
    choose_language(page, "English")
    visit_all(page, live_server_url, TEACHER_PAGES, "en")
