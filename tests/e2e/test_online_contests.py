"""A student takes the demo online contest, leaves mid-way and comes back to a timer that kept running;
the organiser closes the contest and publishes the results."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, login, logout

pytestmark = pytest.mark.e2e

OPEN_NAME = "Học sinh THPT Phan Bội Châu với dịch vụ công trực tuyến"


def answer_first_question(page) -> None:
    form = page.locator("#q1")
    choices = form.locator("input[name=response]")
    if choices.count():
        choices.first.check()
        if form.locator("input[type=checkbox]").count():
            choices.nth(1).check()
    else:
        selects = form.locator("select[name=response]")
        for index in range(selects.count()):
            selects.nth(index).select_option(index=index + 1)
    expect(page.locator("#q1 .oc-status")).to_have_text("Đã lưu")  # no string eval: the CSP forbids it


def remaining(page) -> int:
    return int(page.locator("#oc-timer").get_attribute("data-remaining"))


def test_student_takes_the_demo_contest_and_the_organiser_publishes(page, live_server_url):
    server = live_server_url
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, server, "hs.demo")
    page.goto(server.url + "/student/")
    page.get_by_role("link", name=OPEN_NAME).click()
    assert_accessible(page)
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/online-contests/attempts/\d+/$"))
    first_remaining = remaining(page)
    assert 14 * 60 < first_remaining <= 15 * 60
    assert re.fullmatch(r"1[45]:\d\d", page.locator("#oc-clock").inner_text())
    answer_first_question(page)
    assert page.locator("#oc-answered").inner_text() == "1"
    assert_accessible(page)

    # Leave mid-way, come back: same attempt, the server's clock kept running, the answer is still there.
    page.goto(server.url + "/student/")
    page.wait_for_timeout(2500)
    page.get_by_role("link", name=OPEN_NAME).click()
    page.get_by_role("link", name="Tiếp tục làm bài").click()
    page.wait_for_url(re.compile(r"/online-contests/attempts/\d+/$"))
    assert remaining(page) <= first_remaining - 2
    assert page.locator("#q1 .oc-status").inner_text() == "Đã lưu"

    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url(re.compile(r"/online-contests/\d+/$"))
    recorded = page.locator(".oc-recorded").inner_text()
    assert "Bài thi của em đã được ghi nhận" in recorded and "Thời gian làm bài" in recorded
    assert "câu đúng" not in recorded
    logout(page)

    login(page, server, "ql.pbc")
    page.goto(server.url + "/online-contests/manage/new/")
    assert page.locator("input[name^=pool_]").count() >= 8
    assert_accessible(page)
    page.goto(server.url + "/online-contests/manage/")
    assert_accessible(page)
    page.get_by_role("link", name=OPEN_NAME).click()
    assert_accessible(page)
    page.get_by_role("button", name="Đóng cuộc thi ngay").click()
    assert "Đã đóng cuộc thi" in page.locator(".message-success").inner_text()
    assert "Nguyễn Thị Ngọc Hằng" in page.locator("table").last.inner_text()
    page.get_by_role("button", name="Công bố kết quả").click()
    assert "Đã công bố kết quả" in page.locator(".message-success").inner_text()
    page.get_by_role("link", name="Trang kết quả công khai").click()
    assert "Trường THPT Phan Bội Châu" in page.content()
    assert "Nguyễn Thị Ngọc Hằng" not in page.content()
    assert_accessible(page)
    logout(page)

    login(page, server, "hs.demo")
    page.goto(server.url + "/student/")
    page.get_by_role("link", name=OPEN_NAME).click()
    assert "xếp hạng 1" in page.locator(".oc-recorded").inner_text()
