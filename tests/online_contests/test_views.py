"""Pages and exports: the answer key never reaches the page, the flow a student sees, forms, exports, publication."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from online_contests import services
from online_contests.models import Attempt, OnlineContest, RefusedRequest
from schools.models import RoleAssignment
from tests.factories import make_role, make_student, make_user
from tests.online_contests.factories import make_contest, make_pool, positions_for
from tests.online_contests.permission_rows import fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def student_client(client, world):
    client.force_login(world.students[0])
    return client


def start(client, contest) -> Attempt:
    response = client.post(reverse("online_contests:contest_start", args=[contest.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(contest=contest, student=response.wsgi_request.user)


def test_answer_sheet_carries_positions_never_choice_keys(student_client, world, django_assert_max_num_queries):
    contest = make_contest(world, pools={make_pool(10): 10})
    attempt = start(student_client, contest)
    with django_assert_max_num_queries(20):
        response = student_client.get(attempt.get_absolute_url())
    body = response.content.decode().split('<main id="main"', 1)[1]
    values = re.findall(r'(?:name="response" value|option value)="([^"]*)"', body)
    assert values and all(re.fullmatch(r"(\d+(:\d+)?)?", v) for v in values)
    assert "correct" not in body and "is_correct" not in body
    assert f'data-remaining="{15 * 60}"' in body or 'data-remaining="899"' in body


def test_saved_answers_are_shown_again_and_the_timer_continues(student_client, world):
    contest = make_contest(world)
    attempt = start(student_client, contest)
    question = attempt.question_ids[0]
    response = student_client.post(
        reverse("online_contests:answer_save", args=[attempt.pk]),
        {"question": question, "response": positions_for(attempt, question)}, HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=10), deadline=timezone.now() + timedelta(minutes=5)
    )
    body = student_client.get(attempt.get_absolute_url()).content.decode()
    remaining = int(re.search(r'data-remaining="(\d+)"', body).group(1))
    assert 290 <= remaining <= 300
    assert "Đã lưu" in body and '<span id="oc-answered">1</span>' in body


def test_answer_without_script_redirects_back_to_the_question(student_client, world):
    contest = make_contest(world)
    attempt = start(student_client, contest)
    question = attempt.question_ids[1]
    response = student_client.post(reverse("online_contests:answer_save", args=[attempt.pk]),
                                    {"question": question, "response": positions_for(attempt, question)})
    assert response.status_code == 302 and response["Location"].endswith("#q2")


@pytest.mark.parametrize("payload", [{"question": "abc"}, {"question": "999999", "response": "1"}, {"response": "1"}])
def test_tampered_answer_posts_are_refused_with_a_clear_error(student_client, world, payload):
    attempt = start(student_client, make_contest(world))
    response = student_client.post(reverse("online_contests:answer_save", args=[attempt.pk]), payload,
                                   HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["error"]
    assert not attempt.answers.exists()


def test_answering_another_students_attempt_is_a_404_and_changes_nothing(client, world):
    contest = make_contest(world)
    other = services.attempt_start(contest=contest, student=world.students[1], now=timezone.now())
    client.force_login(world.students[0])
    question = other.question_ids[0]
    for name in ["answer_save", "attempt_submit", "estimate_save"]:
        response = client.post(reverse(f"online_contests:{name}", args=[other.pk]),
                               {"question": question, "response": positions_for(other, question)})
        assert response.status_code == 404
    assert not other.answers.exists() and Attempt.objects.get(pk=other.pk).finished_at is None


def test_after_submitting_the_student_sees_time_used_but_no_score(student_client, world):
    contest = make_contest(world)
    attempt = start(student_client, contest)
    response = student_client.post(reverse("online_contests:attempt_submit", args=[attempt.pk]), follow=True)
    body = response.content.decode()
    assert "Bài thi của em đã được ghi nhận" in body and "Thời gian làm bài" in body
    assert "câu đúng" not in body
    again = student_client.post(reverse("online_contests:contest_start", args=[contest.pk]))
    assert again.status_code == 400 and "chỉ được thi một lần" in again.content.decode()
    late = student_client.post(reverse("online_contests:answer_save", args=[attempt.pk]),
                               {"question": attempt.question_ids[0], "response": "1"}, HTTP_ACCEPT="application/json")
    assert late.status_code == 400 and late.json()["finished"] is True


def test_expired_attempt_page_closes_the_attempt_and_shows_it_recorded(student_client, world):
    attempt = start(student_client, make_contest(world))
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timedelta(minutes=20), deadline=timezone.now() - timedelta(minutes=5)
    )
    response = student_client.get(attempt.get_absolute_url(), follow=True)
    assert "Bài được tự nộp khi hết giờ" in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).finish == "expired"


def test_out_of_scope_student_start_is_refused_and_recorded(client, world):
    contest = make_contest(world)
    client.force_login(world.foreign_student)
    assert client.get(contest.get_absolute_url()).status_code == 404
    response = client.post(reverse("online_contests:contest_start", args=[contest.pk]))
    assert response.status_code == 403 and "không thuộc đối tượng" in response.content.decode()
    assert not Attempt.objects.exists()
    assert RefusedRequest.objects.get().reason == "out_of_scope"


def test_student_home_panel_lists_the_open_contest(student_client, world):
    contest = make_contest(world)
    body = student_client.get(reverse("student_home")).content.decode()
    assert contest.name in body and "Đang mở" in body


def test_admin_home_panels(client, world):
    contest = make_contest(world, province=True)
    client.force_login(world.province_admin)
    assert contest.name in client.get(reverse("province_admin_home")).content.decode()
    client.force_login(world.school_admin)
    body = client.get(reverse("school_admin_home")).content.decode()
    assert contest.name in body and "Tải tổng hợp của trường" in body


def _form_data(pool, **overrides):
    now = timezone.localtime()
    data = {
        "name": "Tìm hiểu DVCTT", "organizer_name": "Ban Tổ chức", "grades": ["10", "11"],
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_minutes": "20", "prize_first": "1", "prize_second": "2", "prize_third": "3",
        "prize_consolation": "4", "rules_md": "- Mỗi em thi một lần", f"pool_{pool.pk}": "3",
    }
    data.update(overrides)
    return data


def test_school_admin_creates_a_draft_contest(client, world):
    pool = make_pool(5)
    client.force_login(world.school_admin)
    response = client.post(reverse("online_contests:contest_create"), _form_data(pool))
    assert response.status_code == 302, response.content.decode()[:2000]
    contest = OnlineContest.objects.get()
    assert (contest.school, contest.status, contest.grades, contest.question_count) == (world.school, "draft", [10, 11], 3)
    assert list(contest.schools.all()) == [world.school]
    assert timezone.localtime(contest.opens_at).tzinfo is not None
    assert "<li>Mỗi em thi một lần</li>" in contest.rules_html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_at": "2020-01-01T08:00"}, "Thời điểm đóng phải"),
        ({"pool_X": "9"}, "Bộ này chỉ có 5 câu"),
        ({"pool_X": "-1"}, "Số câu không được âm"),
        ({"pool_X": "0"}, "ít nhất một bộ câu hỏi"),
        ({"time_limit_minutes": "0"}, "từ 1 đến 300 phút"),
        ({"time_limit_minutes": "301"}, "từ 1 đến 300 phút"),
        ({"grades": []}, "ít nhất một khối"),
        ({"name": ""}, "Hãy nhập tên cuộc thi"),
        ({"opens_at": "không phải ngày"}, "không hợp lệ"),
    ],
)
def test_contest_form_errors_are_in_vietnamese_and_create_nothing(client, world, overrides, message):
    pool = make_pool(5)
    overrides = {k.replace("X", str(pool.pk)): v for k, v in overrides.items()}
    client.force_login(world.school_admin)
    response = client.post(reverse("online_contests:contest_create"), _form_data(pool, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OnlineContest.objects.exists()


def test_province_admin_picks_schools_of_their_province_only(client, world):
    pool = make_pool(5)
    client.force_login(world.province_admin)
    data = _form_data(pool, schools=[str(world.other_school.pk)], school_award_count="1")
    assert client.post(reverse("online_contests:contest_create"), data).status_code == 302
    contest = OnlineContest.objects.get()
    assert contest.province == world.province and list(contest.schools.all()) == [world.other_school]
    foreign = make_contest(world).school  # a school of the province, fine; now one outside it:
    from tests.factories import make_province, make_school

    outside = make_school(make_province())
    data = _form_data(pool, schools=[str(outside.pk)])
    assert client.post(reverse("online_contests:contest_create"), data).status_code == 400
    assert foreign == world.school


def test_preview_shows_a_sample_draw_with_answers(client, world):
    contest = make_contest(world, schedule=False)
    client.force_login(world.school_admin)
    body = client.get(reverse("online_contests:contest_preview", args=[contest.pk])).content.decode()
    assert body.count('class="card"><p><strong lang="vi">') == 5 and "Đáp án" in body


def test_organiser_closes_reviews_and_publishes(client, world):
    contest = make_contest(world)
    attempt = services.attempt_start(contest=contest, student=world.students[0], now=timezone.now())
    client.force_login(world.school_admin)
    client.post(reverse("online_contests:contest_close", args=[contest.pk]))
    body = client.get(reverse("online_contests:manage_detail", args=[contest.pk])).content.decode()
    assert "Xem lại kết quả trước khi công bố" in body and world.students[0].full_name in body
    client.post(reverse("online_contests:contest_publish", args=[contest.pk]))
    attempt.refresh_from_db()
    assert attempt.rank == 1 and attempt.finish == "expired"
    assert client.get(reverse("online_contests:results", args=[contest.pk])).status_code == 200


def test_public_results_follow_the_display_name_rule(client, world):
    contest = fixture(world, "published")
    consent = world.students[1].consent
    consent.guardian_given = False
    consent.save()
    body = client.get(reverse("online_contests:results", args=[contest.pk])).content.decode()
    for student in world.students:
        assert student.full_name not in body
    assert "N. T. Hằng" in body
    assert f"một học sinh trường {world.school.name}" in body
    assert world.school.name in body
    path = reverse("online_contests:results", args=[contest.pk])
    assert f'data-share="http://testserver{path}"' in body and "share.js" in body


def test_student_sees_own_result_after_publication(student_client, world):
    contest = fixture(world, "published")
    body = student_client.get(contest.get_absolute_url()).content.decode()
    assert "xếp hạng 1" in body and "Giải Nhất" in body


def test_results_csv_has_a_bom_and_neutralises_formulas(client, world):
    world.students[0].full_name = "=HYPERLINK(\"http://x\")"
    world.students[0].save()
    contest = fixture(world, "closed")
    client.force_login(world.school_admin)
    response = client.get(reverse("online_contests:results_csv", args=[contest.pk]))
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeffHạng,Giải,Họ và tên")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert len(rows) == 4
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"


def test_results_and_prize_xlsx(client, world):
    world.students[1].full_name = "@Lê Văn Công"
    world.students[1].save()
    contest = fixture(world, "closed")
    client.force_login(world.school_admin)
    response = client.get(reverse("online_contests:results_xlsx", args=[contest.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[1][2] == "Họ và tên" and len(rows) == 5
    names = {row[2].value: row[2].data_type for row in book.worksheets[0].iter_rows()}
    assert names["@Lê Văn Công"] == "s" and "'@Lê Văn Công" not in names  # a text cell, the name unchanged
    response = client.get(reverse("online_contests:prizes_xlsx", args=[contest.pk]))
    prizes = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(values_only=True))
    assert prizes[1][0] == "DANH SÁCH HỌC SINH ĐẠT GIẢI"
    assert [row[-1] for row in prizes[6:]] == ["Giải Nhất", "Giải Nhì", "Giải Ba"]


def test_school_summary_shows_only_the_admins_own_school(client, world):
    contest = make_contest(world, province=True, grades=[10])
    services.attempt_start(contest=contest, student=world.students[0], now=timezone.now())
    services.attempt_start(contest=contest, student=world.foreign_student, now=timezone.now())
    other_admin = make_user(full_name="Quản Lý Khác")
    make_role(other_admin, RoleAssignment.Role.SCHOOL_ADMIN, school=world.other_school)
    for admin, own, other in [(world.school_admin, world.students[0], world.foreign_student),
                              (other_admin, world.foreign_student, world.students[0])]:
        client.force_login(admin)
        response = client.get(reverse("online_contests:school_summary_xlsx", args=[contest.pk]))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        text = str([list(ws.iter_rows(values_only=True)) for ws in book.worksheets])
        assert own.full_name in text and other.full_name not in text


def test_new_students_in_scope_see_the_contest_late_students_do_not(client, world):
    contest = make_contest(world, grades=[11])
    student = make_student(world.other_classroom, "Hà Thị Mười Một")
    client.force_login(student)
    assert client.get(contest.get_absolute_url()).status_code == 200
    client.force_login(world.students[0])
    assert client.get(contest.get_absolute_url()).status_code == 404


def test_class_page_shows_how_many_of_the_class_took_part(client, world):
    contest = make_contest(world, grades=[10])
    services.attempt_start(contest=contest, student=world.students[0], now=timezone.now())
    client.force_login(world.teacher)
    body = client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()
    assert contest.name in body and "1/3 học sinh của lớp đã tham gia" in body
    client.force_login(world.other_teacher)
    body = client.get(reverse("classroom_detail", args=[world.other_classroom.pk])).content.decode()
    assert contest.name not in body


def test_student_home_offers_to_continue_an_open_attempt_until_it_is_submitted(client, world):
    contest = make_contest(world)
    student = world.students[0]
    client.force_login(student)
    now = timezone.now()
    attempt = services.attempt_start(contest=contest, student=student, now=now)
    body = client.get(reverse("student_home")).content.decode()
    assert "Em đang làm dở" in body and contest.name in body and attempt.get_absolute_url() in body
    assert f"đã trả lời 0/{len(attempt.question_ids)} câu" in body
    services.attempt_submit(attempt=attempt, now=now + timedelta(seconds=5))
    assert "Em đang làm dở" not in client.get(reverse("student_home")).content.decode()
