"""Live-contest pages: creating, hosting, joining, results and exports."""

import csv
import gzip
import io
import re

import pytest
import segno
from django.contrib.staticfiles import finders
from django.urls import reverse
from openpyxl import load_workbook

from contests.models import Contest
from tests.contests.helpers import finished_contest, make_contest, make_quiz

pytestmark = pytest.mark.django_db


def create_data(world, quiz, **overrides):
    data = {
        "title": "Rung chuông vàng", "quiz": quiz.pk, "access": "classes", "classrooms": [world.classroom.pk],
        "time_limit_s": 20, "shuffle_choices": "on", "show_leaderboard": "on", "play_mode": "individual",
        "team_count": 4,
    }
    return data | overrides


def test_a_teacher_opens_a_contest_for_their_class(client, world):
    quiz = make_quiz(world.teacher, world.school)
    client.force_login(world.teacher)
    response = client.post(reverse("contest_create"), create_data(world, quiz))
    contest = Contest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("contest_host", args=[contest.pk])
    assert list(contest.classrooms.all()) == [world.classroom]
    assert contest.question_count == 4 and contest.time_limit_s == 20 and contest.phase == "lobby"


@pytest.mark.parametrize(
    "overrides",
    [
        {"time_limit_s": 4},
        {"time_limit_s": 121},
        {"classrooms": []},
        {"access": "everyone"},
        {"play_mode": "teams", "team_count": 9},
        {"play_mode": "teams", "team_count": ""},
    ],
)
def test_bad_contest_settings_are_refused_and_nothing_is_created(client, world, overrides):
    quiz = make_quiz(world.teacher, world.school)
    client.force_login(world.teacher)
    response = client.post(reverse("contest_create"), create_data(world, quiz, **overrides))
    assert response.status_code == 400
    assert not Contest.objects.exists()


def test_a_teacher_cannot_run_another_teachers_quiz_or_class(client, world):
    foreign_quiz = make_quiz(world.other_teacher)
    own_quiz = make_quiz(world.teacher, world.school)
    client.force_login(world.teacher)
    for data in (
        create_data(world, foreign_quiz, access="open", classrooms=[]),
        create_data(world, own_quiz, classrooms=[world.other_classroom.pk]),
    ):
        assert client.post(reverse("contest_create"), data).status_code == 400
    assert not Contest.objects.exists()


def test_the_quiz_picker_says_how_many_questions_a_live_contest_can_use(client, world):
    make_quiz(world.teacher, world.school)
    make_quiz(world.teacher, kinds=("matching",))
    client.force_login(world.teacher)
    body = client.get(reverse("contest_create")).content.decode()
    assert "4/5 câu dùng được" in body
    assert body.count("câu dùng được cho thi trực tiếp") == 1


def test_no_page_of_a_running_contest_contains_its_key(client, world):
    contest = make_contest(world)
    keys = {choice for question in contest.questions for choice in question["correct"]}
    client.force_login(world.teacher)
    pages = [
        client.get(reverse("contest_host", args=[contest.pk])),
        client.get(reverse("contest_qr", args=[contest.pk])),
        client.get(reverse("contest_results", args=[contest.pk])),
        client.get(reverse("contest_play", args=[contest.pin])),
    ]
    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        assert not any(key in body for key in keys)
        assert "Vì vậy." not in body  # explanations come with the reveal only


def test_the_host_screen_shows_the_pin_the_join_url_and_a_qr_code(client, world, settings):
    settings.PUBLIC_BASE_URL = "https://dvctt.example.edu.vn"
    contest = make_contest(world)
    client.force_login(world.teacher)
    body = client.get(reverse("contest_host", args=[contest.pk])).content.decode()
    join_url = f"https://dvctt.example.edu.vn/contests/join/{contest.pin}/"
    assert contest.pin in body and join_url in body
    qr = client.get(reverse("contest_qr", args=[contest.pk]))
    assert qr["Content-Type"] == "image/svg+xml" and qr.content.startswith(b"<?xml")


def test_without_a_public_base_url_the_join_link_uses_the_address_the_host_screen_was_opened_at(client, world, settings):
    """`PORT=8401 make run`: the join URL and its QR code point at :8401, not a default port."""
    settings.PUBLIC_BASE_URL = ""
    contest = make_contest(world)
    client.force_login(world.teacher)
    body = client.get(reverse("contest_host", args=[contest.pk]), HTTP_HOST="127.0.0.1:8401").content.decode()
    assert f"http://127.0.0.1:8401/contests/join/{contest.pin}/" in body
    assert ":8000" not in body
    qr = client.get(reverse("contest_qr", args=[contest.pk]), HTTP_HOST="127.0.0.1:8401").content
    expected = io.BytesIO()
    segno.make(f"http://127.0.0.1:8401/contests/join/{contest.pin}/", error="m").save(
        expected, kind="svg", scale=8, border=2, title="Mã QR tham gia"
    )
    assert qr == expected.getvalue()


def test_joining_by_pin_leads_to_the_player_page(client, world):
    contest = make_contest(world)
    response = client.post(reverse("contest_join"), {"pin": f" {contest.pin} "})
    assert response.status_code == 302 and response["Location"] == reverse("contest_play", args=[contest.pin])
    page = client.get(response["Location"])
    assert page.status_code == 200 and client.session.session_key


def test_a_wrong_pin_gets_a_clear_error_and_guessing_stops(client, world):
    make_contest(world)
    response = client.post(reverse("contest_join"), {"pin": "12ab"})
    assert response.status_code == 400 and "6 chữ số" in response.content.decode()
    statuses = [client.post(reverse("contest_join"), {"pin": "000000"}).status_code for _ in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429
    assert client.get(reverse("contest_play", args=["000000"])).status_code == 429


def test_a_finished_or_unknown_contest_cannot_be_joined(client, world):
    contest = finished_contest(world)
    response = client.get(reverse("contest_play", args=[contest.pin]))
    assert response.status_code == 404
    assert "Không tìm thấy cuộc thi" in response.content.decode()


def test_a_class_contest_asks_anonymous_players_to_log_in(client, world):
    contest = make_contest(world, access=Contest.Access.CLASSES, classrooms=[world.classroom])
    body = client.get(reverse("contest_play", args=[contest.pin])).content.decode()
    assert "hãy đăng nhập" in body


def test_results_show_real_names_per_student_and_statistics_per_question(client, world):
    contest = finished_contest(world)
    client.force_login(world.teacher)
    body = client.get(reverse("contest_results", args=[contest.pk])).content.decode()
    for student in world.students:
        assert student.full_name in body
    assert "10A1" in body and "% đúng" in body and "67%" in body


def test_results_count_the_questions_asked_not_the_quiz(client, world):
    """The host ended the contest after the first of its four questions: "1 câu hỏi", scores out of 1."""
    contest = finished_contest(world)
    assert (contest.question_count, contest.asked_count) == (4, 1)
    client.force_login(world.teacher)
    response = client.get(reverse("contest_results", args=[contest.pk]))
    body = response.content.decode()
    assert "· 1 câu hỏi" in body and "4 câu hỏi" not in body
    assert re.findall(r'<td class="num">(\d+)/(\d+)</td>', body) == [("1", "1"), ("1", "1"), ("0", "1")]
    assert [stat.index for stat in response.context["questions"]] == [0]
    workbook = load_workbook(io.BytesIO(client.get(reverse("contest_export", args=[contest.pk, "xlsx"])).content))
    assert workbook["Câu hỏi"].max_row == 2


def test_a_contest_ended_in_its_lobby_asked_no_question(world):
    from django.utils import timezone

    from contests import services
    from contests.engine import Event

    contest = make_contest(world)
    services.contest_transition(contest_id=contest.pk, event=Event.END, now=timezone.now())
    contest.refresh_from_db()
    assert contest.is_finished and contest.asked_count == 0


def test_results_export_as_csv_and_xlsx(client, world):
    contest = finished_contest(world)
    client.force_login(world.teacher)
    response = client.get(reverse("contest_export", args=[contest.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "Hạng" and len(rows) == 4
    assert {row[2] for row in rows[1:]} == {s.full_name for s in world.students}
    workbook = load_workbook(io.BytesIO(client.get(reverse("contest_export", args=[contest.pk, "xlsx"])).content))
    assert workbook.sheetnames == ["Người chơi", "Câu hỏi"]
    assert workbook["Người chơi"].max_row == 4
    assert client.get(reverse("contest_export", args=[contest.pk, "pdf"])).status_code == 404


def test_a_nickname_that_looks_like_a_formula_is_exported_as_text(client, world):
    """CSV: with the apostrophe Excel reads as "text"; XLSX: a string cell, the nickname unchanged."""
    from contests.models import Player

    contest = finished_contest(world)
    Player.objects.filter(contest=contest, nickname="Biệt danh 0").update(nickname="=HYPERLINK(1)")
    client.force_login(world.teacher)
    text = b"".join(client.get(reverse("contest_export", args=[contest.pk, "csv"])).streaming_content).decode()
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    workbook = load_workbook(io.BytesIO(client.get(reverse("contest_export", args=[contest.pk, "xlsx"])).content))
    cells = [c for row in workbook["Người chơi"].iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_a_student_sees_their_own_past_contests(client, world):
    finished_contest(world)
    client.force_login(world.students[0])
    body = client.get(reverse("contest_history")).content.decode()
    assert "Rung chuông vàng" in body and "Biệt danh 0" in body
    assert world.students[1].full_name not in body
    home = client.get(reverse("student_home")).content.decode()
    assert "Nhập mã PIN để tham gia" in home


def test_the_teacher_home_and_class_page_link_to_live_contests(client, world):
    finished_contest(world)
    client.force_login(world.teacher)
    assert "Tổ chức cuộc thi" in client.get(reverse("teacher_home")).content.decode()
    body = client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()
    assert f"?classroom={world.classroom.pk}" in body and "Cuộc thi trực tiếp của lớp" in body
    client.force_login(world.school_admin)
    assert "1 cuộc thi trực tiếp" in client.get(reverse("school_admin_home")).content.decode()


def test_the_player_page_is_light(client, world):
    """HTML, styles and scripts compressed, plus the web fonts: under ~100 KB on first load."""
    contest = make_contest(world)
    html = client.get(reverse("contest_play", args=[contest.pin])).content
    total = len(gzip.compress(html))
    for url in re.findall(rb'(?:href|src)="/static/([^"]+)"', html):
        path = finders.find(url.decode())
        data = open(path, "rb").read()
        total += len(data) if path.endswith(".woff2") else len(gzip.compress(data))
        if path.endswith(".css"):
            for font in re.findall(rb'url\("\.\./fonts/([^"]+)"\)', data):
                total += len(open(finders.find("fonts/" + font.decode()), "rb").read())
    assert total < 100 * 1024, total
