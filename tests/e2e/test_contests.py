"""A live contest in Chromium: the teacher opens it, three players join (one by the QR code's URL),
answer, one reloads mid-question and resumes, and the podium shows the right order by nickname only."""

import io
import json
import sqlite3

import pytest

from tests.e2e.conftest import assert_accessible, login

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}


def contest_key(server, pin: str) -> list[dict]:
    """The stored questions of the contest (read from the server's database, never from a page)."""
    path = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        (questions,) = db.execute(
            "SELECT questions FROM contests_contest WHERE pin = ? AND phase != 'finished'", [pin]
        ).fetchone()
    return json.loads(questions)


def answer_correctly(page, question: dict) -> None:
    page.wait_for_selector("[data-screen=question]:not([hidden]) .answer")
    for choice_id in question["correct"]:
        page.click(f".answer[data-id='{choice_id}']")
        if question["kind"] in ("single", "truefalse"):
            break
    else:
        page.click("[data-submit]")
    # Acknowledged: "waiting" — or, for the last player, the reveal may follow within milliseconds.
    page.wait_for_selector("[data-screen=waiting]:not([hidden]), [data-screen=reveal]:not([hidden])")


def read_qr(page) -> str:
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(".host-qr").screenshot()))
    return zxingcpp.read_barcodes(image)[0].text


def join(page, nickname: str) -> None:
    page.fill("#nickname", nickname)
    page.click("button:has-text('Vào phòng thi')")
    page.wait_for_selector("[data-screen=lobby]:not([hidden])")


def test_a_live_contest_from_lobby_to_podium(new_page, live_server_url):
    server = live_server_url
    host = new_page(DESKTOP)
    host.on("dialog", lambda dialog: dialog.accept())
    login(host, server, "gv.lan")
    host.goto(server.url + "/contests/new/")
    assert_accessible(host)
    host.fill("#id_title", "Thi thử trên trình duyệt")
    host.check("input[name=access][value=open]")
    host.fill("#id_time_limit_s", "60")
    host.click("button:has-text('Mở cuộc thi')")
    host.wait_for_url("**/host/")
    pin = host.locator("[data-pin]").inner_text().strip()
    assert len(pin) == 6
    host.wait_for_selector("[data-status]:has-text('Đã kết nối')")
    assert_accessible(host)
    join_url = read_qr(host)
    assert join_url == f"{server.url}/contests/join/{pin}/"

    first = new_page()
    first.goto(server.url + "/contests/join/")
    assert_accessible(first)
    first.fill("#id_pin", pin)
    first.click("button:has-text('Vào phòng thi')")
    join(first, "Cá Heo")
    assert_accessible(first)

    second = new_page()
    second.goto(join_url)  # scanned from the projector
    join(second, "Mèo Mun")

    third = new_page()
    login(third, server, "hs.demo")  # a logged-in student: still only a nickname on shared screens
    third.goto(join_url)
    join(third, "Gấu Trúc")

    host.wait_for_selector("[data-count]:has-text('3')")
    questions = contest_key(server, pin)
    host.click("[data-action=start]")

    # Question 1: everyone answers in order; the second player reloads after answering.
    answer_correctly(first, questions[0])
    answer_correctly(second, questions[0])
    second.reload()
    second.wait_for_selector("[data-screen=waiting]:not([hidden]):has-text('Em đã trả lời câu này')")
    answer_correctly(third, questions[0])
    for page in (first, second, third):
        page.wait_for_selector("[data-screen=reveal]:not([hidden])")
    for page in (first, second, third):
        assert "Chính xác" in page.locator("[data-verdict]").inner_text()
    host.wait_for_selector("[data-screen=reveal]:not([hidden])")
    host.click("[data-action=next]")
    host.wait_for_selector("[data-screen=leaderboard]:not([hidden])")
    host.click("[data-action=next]")

    # Question 2: the third player reloads mid-question, resumes and answers.
    answer_correctly(first, questions[1])
    answer_correctly(second, questions[1])
    third.wait_for_selector("[data-screen=question]:not([hidden])")
    third.reload()
    answer_correctly(third, questions[1])
    host.wait_for_selector("[data-screen=reveal]:not([hidden])")
    host.click("[data-action=end]")

    host.wait_for_selector("[data-screen=finished]:not([hidden])")
    podium = host.locator("[data-podium] li").all_inner_texts()
    assert [row.split(" – ")[0] for row in podium] == ["1. Cá Heo", "2. Mèo Mun", "3. Gấu Trúc"]
    assert "Nguyễn Thị Ngọc Hằng" not in host.content()
    third.wait_for_selector("[data-screen=finished]:not([hidden])")
    assert "Nguyễn Thị Ngọc Hằng" not in third.locator("[data-podium]").inner_text()
    assert third.locator("[data-final]").inner_text().startswith("Hạng 3/3")
    assert_accessible(third)
