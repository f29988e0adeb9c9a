"""A live contest on the screens of a class period: the host on a projector (1366×768 and 1280×720) and
three phones at 360×640. Per phase, what is visible on each screen, and that nothing needed is off-screen.
Screenshots of every phase are kept under var/e2e-screenshots/."""

import json
import textwrap

import pytest

from tests.e2e.conftest import ROOT, assert_accessible, login
from tests.e2e.test_contests import contest_key

pytestmark = pytest.mark.e2e

PROJECTORS = [{"width": 1366, "height": 768}, {"width": 1280, "height": 720}]
PHONE = {"width": 360, "height": 640}
SHOTS = ROOT / "var" / "e2e-screenshots"
HOST_ACTIONS = ["start", "next", "close", "pause", "resume", "lock", "unlock", "end"]
PLAYER_SCREENS = ["join", "lobby", "question", "waiting", "reveal", "leaderboard", "paused", "finished", "gone"]


def long_answer(prefix: str) -> str:
    """A 120-character answer, the longest a teacher is expected to write for a live question."""
    text = prefix + " trên Cổng Dịch vụ công quốc gia bằng tài khoản định danh điện tử mức độ 2 rồi theo dõi hồ sơ qua VNeID"
    text = (text + " và thư điện tử") if len(text) < 120 else text
    return text[:120].ljust(120, ".")


QUIZ_TITLE = "Màn hình lớp học"
QUIZ_CREATED: list[bool] = []
QUIZ = [
    {
        "kind": "single",
        "text": "Em muốn đăng ký thường trú cho gia đình mà không phải đến trụ sở công an. Em làm thế nào là đúng nhất?",
        "choices": [
            (long_answer("Nộp hồ sơ trực tuyến"), True),
            (long_answer("Gửi ảnh chụp giấy tờ qua mạng xã hội cho cán bộ"), False),
            (long_answer("Nhờ người lạ nộp hộ và đưa mật khẩu"), False),
            (long_answer("Chờ đến khi có giấy mời đến trụ sở"), False),
        ],
    },
    {
        "kind": "multiple",
        "text": "Những thông tin nào em KHÔNG được chia sẻ cho người khác khi dùng dịch vụ công trực tuyến?",
        "choices": [
            (long_answer("Mật khẩu tài khoản"), True),
            (long_answer("Mã OTP gửi về điện thoại"), True),
            (long_answer("Tên thủ tục hành chính em đang làm"), False),
            (long_answer("Địa chỉ trang web chính thức"), False),
        ],
    },
]


def create_quiz(server) -> None:
    """A teacher's own two-question quiz with four 120-character answers per question."""
    code = textwrap.dedent(f"""
        import json
        from lessons.models import Choice, Question, Quiz
        from schools.models import User
        quiz = Quiz.objects.create(title={QUIZ_TITLE!r}, owner=User.objects.get(username="gv.lan"))
        for order, q in enumerate(json.loads({json.dumps(QUIZ)!r})):
            question = Question.objects.create(quiz=quiz, kind=q["kind"], text=q["text"], order=order,
                                               explanation="Chỉ dùng trang chính thức, không chia sẻ mật khẩu.")
            for position, (text, right) in enumerate(q["choices"]):
                Choice.objects.create(question=question, key=str(position), text=text, is_correct=right,
                                      position=position)
    """)
    server.manage("shell", "-c", code)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


HOST_NEEDS = {
    "lobby": [".host-pin strong", ".host-qr", ".host-join", "[data-count]"],
    "question": ["[data-qtext]", "[data-choices] li", "[data-timer]", ".host-count"],
    "reveal": ["[data-rtext]", "[data-bars] li"],
    "leaderboard": ["[data-board] li"],
    "finished": ["[data-podium] li"],
}
PHONE_NEEDS = {
    "lobby": ["[data-screen=lobby] h1"],
    "question": ["[data-qtext]", ".answer", "[data-timer]", "[data-submit]", "[data-reset]"],
    "waiting": ["[data-wait-text]"],
    "paused": ["[data-screen=paused] h1"],
    "reveal": ["[data-verdict]", "[data-points]", "[data-standing]"],
    "leaderboard": ["[data-board-rank]"],
    "finished": ["[data-podium] li", "[data-final]"],
}


def boxes_outside(page, selectors: list[str]) -> list[str]:
    """Visible elements matching `selectors` whose box is not wholly inside the viewport."""
    return page.evaluate(
        """selectors => selectors.flatMap(sel => Array.from(document.querySelectorAll(sel))
            .filter(el => el.getClientRects().length)
            .filter(el => { const r = el.getBoundingClientRect();
                return r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5; })
            .map(el => sel + ": " + (el.textContent || "").trim().slice(0, 40)))""",
        selectors,
    )


def scrolls(page) -> bool:
    return page.evaluate(
        """() => { const d = document.documentElement, s = document.querySelector("[data-stage]");
            return d.scrollHeight > innerHeight || d.scrollWidth > innerWidth
                || (s !== null && s.scrollHeight > s.clientHeight + 1); }"""
    )


def check_host_fits(host, name: str) -> None:
    """At each projector size: no scrolling, everything needed inside the viewport, clear of the controls."""
    screen = host_screen(host)[0]
    for size in PROJECTORS:
        host.set_viewport_size(size)
        host.wait_for_timeout(50)
        assert not scrolls(host), (name, size)
        needed = HOST_NEEDS[screen] + [".host-controls .btn"]
        assert boxes_outside(host, needed) == [], (name, size)
        covered = host.evaluate(
            """sels => { const bar = document.querySelector(".host-controls").getBoundingClientRect().top;
                return sels.flatMap(s => Array.from(document.querySelectorAll(s)))
                    .filter(el => el.getClientRects().length && el.getBoundingClientRect().bottom > bar + 0.5).length; }""",
            HOST_NEEDS[screen],
        )
        assert covered == 0, (name, size)
        if screen == "question":
            px = host.evaluate("parseFloat(getComputedStyle(document.querySelector('[data-choices] li')).fontSize)")
            assert px >= 0.035 * size["height"] - 0.5, (name, size, px)
        shot(host, f"host-{name}-{size['width']}x{size['height']}")
    host.set_viewport_size(PROJECTORS[0])


def check_phones_fit(players, name: str) -> None:
    for n, page in enumerate(players):
        screen = player_screen(page)[0]
        assert not scrolls(page), (name, n)
        assert boxes_outside(page, PHONE_NEEDS[screen]) == [], (name, n)
        shot(page, f"phone{n + 1}-{name}")


def host_buttons(host) -> set[str]:
    return {a for a in HOST_ACTIONS if host.locator(f"[data-action={a}]").is_visible()}


def host_screen(host) -> list[str]:
    return [s for s in ["lobby", "question", "reveal", "leaderboard", "finished"]
            if host.locator(f"#host [data-screen={s}]").is_visible()]


def player_screen(page) -> list[str]:
    return [s for s in PLAYER_SCREENS if page.locator(f"#play [data-screen={s}]").is_visible()]


def expect_host(host, screen: str, buttons: set[str], *, locked: bool = False) -> None:
    host.wait_for_selector(f"#host [data-screen={screen}]:not([hidden])")
    host.wait_for_function(
        "names => names.every(n => !document.querySelector(`[data-action=${n}]`).hidden)", arg=sorted(buttons)
    )
    assert host_screen(host) == [screen]
    assert host_buttons(host) == buttons
    assert host.locator("[data-contrast]").is_visible()
    assert host.locator("[data-locked]").is_visible() is locked


def expect_players(players, screen: str, *, multi: bool | None = None) -> None:
    for page in players:
        page.wait_for_selector(f"#play [data-screen={screen}]:not([hidden])")
        assert player_screen(page) == [screen]
        if multi is not None:
            assert page.locator("[data-submit]").is_visible() is multi
            assert page.locator("[data-reset]").is_visible() is multi


def answer(page, question: dict, *, right: bool) -> None:
    page.wait_for_selector("#play [data-screen=question]:not([hidden]) .answer")
    wanted = question["correct"] if right else [c["id"] for c in question["choices"] if c["id"] not in question["correct"]][:1]
    for choice_id in wanted:
        page.click(f".answer[data-id='{choice_id}']")
    if question["kind"] == "multiple":
        page.click("[data-submit]")
    page.wait_for_selector("[data-screen=waiting]:not([hidden]), [data-screen=reveal]:not([hidden])")


def open_contest(new_page, server, title: str, *, shuffle: bool):
    """A teacher opens an open-access contest on the screen-test quiz; return the host page and the PIN."""
    if not QUIZ_CREATED:
        create_quiz(server)
        QUIZ_CREATED.append(True)
    host = new_page(PROJECTORS[0])
    host.on("dialog", lambda dialog: dialog.accept())
    login(host, server, "gv.lan")
    host.goto(server.url + "/contests/new/")
    host.fill("#id_title", title)
    host.select_option("#id_quiz", label=host.locator("#id_quiz option", has_text=QUIZ_TITLE).inner_text())
    host.check("input[name=access][value=open]")
    host.fill("#id_time_limit_s", "120")
    host.set_checked("#id_shuffle_choices", shuffle)
    host.click("button:has-text('Mở cuộc thi')")
    host.wait_for_url("**/host/")
    host.wait_for_selector("[data-status]:has-text('Đã kết nối')")
    return host, host.locator("[data-pin]").inner_text().strip()


def join(new_page, server, pin: str, nicknames: list[str]) -> list:
    players = []
    for nickname in nicknames:
        page = new_page(PHONE)
        page.goto(f"{server.url}/contests/join/{pin}/")
        page.fill("#nickname", nickname)
        page.click("button:has-text('Vào phòng thi')")
        players.append(page)
    return players


def marks(page, selector: str) -> dict[str, tuple[str, str]]:
    """Choice id → (mark text, colour class) as the page shows them."""
    shown = page.evaluate(
        """sel => Object.fromEntries(Array.from(document.querySelectorAll(sel)).map(el => {
            const mark = el.querySelector(".host-mark, .answer-mark");
            return [el.dataset.id, [mark ? mark.textContent.replace(/\\s+/g, "") : "",
                                    (el.className.match(/ans-\\d/) || [""])[0]]]; }))""",
        selector,
    )
    return {choice: tuple(value) for choice, value in shown.items()}


def test_every_phase_shows_what_it_should_on_the_projector_and_the_phones(new_page, live_server_url):
    server = live_server_url
    host, pin = open_contest(new_page, server, "Tiết học trên màn chiếu", shuffle=True)
    questions = contest_key(server, pin)

    expect_host(host, "lobby", {"start", "lock", "end"})
    players = join(new_page, server, pin, ["Cá Heo", "Mèo Mun", "Gấu Trúc"])
    expect_players(players, "lobby")
    host.wait_for_selector("[data-count]:has-text('3')")
    check_host_fits(host, "lobby")
    host.click("[data-fullscreen]")
    host.wait_for_function("document.fullscreenElement !== null")
    host.wait_for_selector("[data-fullscreen][aria-pressed=true]")
    host.click("[data-fullscreen]")
    host.wait_for_function("document.fullscreenElement === null")
    host.wait_for_selector("[data-fullscreen][aria-pressed=false]")
    check_phones_fit(players, "lobby")

    host.click("[data-action=lock]")
    expect_host(host, "lobby", {"start", "unlock", "end"}, locked=True)
    check_host_fits(host, "locked")
    expect_players(players, "lobby")
    host.click("[data-action=unlock]")
    expect_host(host, "lobby", {"start", "lock", "end"})

    host.click("[data-action=start]")
    expect_host(host, "question", {"close", "pause", "lock", "end"})
    expect_players(players, "question", multi=False)
    # Shuffled per phone: the projector names no letter, shape or colour; each phone has its own.
    assert set(marks(host, "[data-choices] li").values()) == {("", "")}
    assert all(mark and colour for mark, colour in marks(players[0], ".answer").values())
    check_host_fits(host, "question-single")
    check_phones_fit(players, "question-single")

    host.click("[data-action=pause]")
    expect_host(host, "question", {"resume", "lock", "end"})
    expect_players(players, "paused")
    check_host_fits(host, "paused")
    check_phones_fit(players, "paused")
    host.click("[data-action=resume]")
    expect_host(host, "question", {"close", "pause", "lock", "end"})
    expect_players(players, "question", multi=False)

    # Cá Heo answers right; the other two wrong, so they tie at 0 points.
    answer(players[0], questions[0], right=True)
    expect_players(players[:1], "waiting")
    answer(players[1], questions[0], right=False)
    answer(players[2], questions[0], right=False)
    expect_host(host, "reveal", {"next", "pause", "lock", "end"})
    expect_players(players, "reveal")
    right = {c["text"] for c in questions[0]["choices"] if c["id"] in questions[0]["correct"]}
    labels = host.locator(".bar-correct .bar-label").all_inner_texts()
    assert {label.split("–")[0].strip() for label in labels} == right
    check_host_fits(host, "reveal")
    check_phones_fit(players, "reveal")

    host.click("[data-action=next]")
    expect_host(host, "leaderboard", {"next", "pause", "lock", "end"})
    expect_players(players, "leaderboard")
    # Numbered once, by rank: equal points share a rank, and the screen says why.
    rows = host.locator("[data-board] li").all_inner_texts()
    assert rows[0].startswith("1. Cá Heo – ")
    assert sorted(rows[1:]) == ["2. Gấu Trúc – 0 (đồng hạng)", "2. Mèo Mun – 0 (đồng hạng)"]
    assert host.eval_on_selector("[data-board]", "el => getComputedStyle(el).listStyleType") == "none"
    assert "Cùng điểm thì cùng hạng" in host.locator("[data-board-note]").inner_text()
    assert players[2].locator("[data-board-rank]").inner_text().startswith("Hạng 2/3 (đồng hạng)")
    check_host_fits(host, "leaderboard")
    check_phones_fit(players, "leaderboard")

    host.click("[data-action=next]")
    expect_host(host, "question", {"close", "pause", "lock", "end"})
    expect_players(players, "question", multi=True)
    check_host_fits(host, "question-multiple")
    check_phones_fit(players, "question-multiple")
    answer(players[0], questions[1], right=True)
    answer(players[1], questions[1], right=False)
    answer(players[2], questions[1], right=False)
    expect_host(host, "reveal", {"next", "pause", "lock", "end"})
    host.click("[data-action=next]")
    expect_host(host, "leaderboard", {"next", "pause", "lock", "end"})
    host.click("[data-action=next]")

    expect_host(host, "finished", set())
    expect_players(players, "finished")
    for page in (host, players[1]):
        podium = page.locator("[data-podium] li").all_inner_texts()
        assert podium[0].startswith("1. Cá Heo – ") and all(row.startswith("2. ") for row in podium[1:])
        assert page.eval_on_selector("[data-podium]", "el => getComputedStyle(el).listStyleType") == "none"
        assert page.locator("[data-podium-note]").is_visible()
    check_host_fits(host, "podium")
    check_phones_fit(players, "podium")
    assert_accessible(host)
    assert_accessible(players[0])



def focused(page) -> str:
    """The focused element as tag plus its data-* names, e.g. 'H1 qtext'."""
    return page.evaluate(
        "() => { const el = document.activeElement; return el.tagName + ' ' + Object.keys(el.dataset).join(' '); }"
    )


def test_without_shuffling_the_projector_and_the_phones_show_the_same_marks(new_page, live_server_url):
    """Also: one player plays by keyboard only; focus follows every new screen, which is announced."""
    server = live_server_url
    host, pin = open_contest(new_page, server, "Cùng thứ tự đáp án", shuffle=False)
    host.wait_for_function("document.activeElement.matches('[data-screen=lobby] h2')")  # the lobby's heading
    players = join(new_page, server, pin, ["Sóc Nâu"])
    keyboard = new_page(PHONE)
    keyboard.goto(f"{server.url}/contests/join/{pin}/")
    assert keyboard.evaluate("document.activeElement.id") == "nickname"
    keyboard.keyboard.press("Control+A")
    keyboard.keyboard.type("Hổ Con")
    keyboard.keyboard.press("Enter")
    keyboard.wait_for_selector("#play [data-screen=lobby]:not([hidden])")
    assert focused(keyboard) == "H1 "
    keyboard.wait_for_function("document.querySelector('[data-announce]').textContent.includes('phòng chờ')")
    players.append(keyboard)
    host.wait_for_selector("[data-count]:has-text('2')")
    host.click("[data-action=start]")
    expect_players(players, "question", multi=False)
    host.wait_for_function("document.activeElement.matches('[data-qtext]')")
    keyboard.wait_for_function("document.activeElement.matches('[data-qtext]')")
    question_text = keyboard.locator("[data-qtext]").inner_text()
    assert keyboard.locator("[data-announce]").inner_text() == question_text
    keyboard.keyboard.press("Tab")
    assert keyboard.evaluate("document.activeElement.matches('.answer')")
    keyboard.keyboard.press("Enter")
    keyboard.wait_for_selector("#play [data-screen=waiting]:not([hidden])")
    assert focused(keyboard) == "H1 waitText"
    projector = marks(host, "[data-choices] li")
    assert len(projector) == 4 and all(mark and colour for mark, colour in projector.values())
    for page in players:
        assert marks(page, ".answer") == projector
    host.click("[data-action=close]")
    host.wait_for_selector("#host [data-screen=reveal]:not([hidden])")
    assert marks(host, "[data-bars] li") == projector
    keyboard.wait_for_selector("#play [data-screen=reveal]:not([hidden])")
    assert focused(keyboard) == "H1 verdict"
    assert_accessible(keyboard)
