"""Student pages and the practice flow through the test client, including tampered POSTs."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons import services
from lessons.models import Lesson, LessonCompletion, LessonRating, PracticeAnswer, PracticeAttempt, Question
from tests.lessons.helpers import answer_all, complete_simulation, form_data, pass_lesson


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def start(client, lesson) -> PracticeAttempt:
    response = client.post(reverse("practice_start", args=[lesson.key]))
    assert response.status_code == 302
    return PracticeAttempt.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def answer_url(attempt):
    return reverse("answer_submit", args=[attempt.pk])


def test_course_overview_shows_progress(student_client, student, lesson):
    pass_lesson(student, lesson)
    body = student_client.get(reverse("course_overview")).content.decode()
    assert "Đã hoàn thành 1/8 bài bắt buộc" in body
    assert "Học tiếp:" in body


def test_student_home_panel(student_client, lesson):
    body = student_client.get(reverse("student_home")).content.decode()
    assert "Khóa học dịch vụ công trực tuyến" in body and "Học tiếp bài 1" in body


def test_student_home_offers_to_continue_an_unfinished_practice_where_it_stopped(student_client, student, lesson):
    assert "Em đang làm dở" not in student_client.get(reverse("student_home")).content.decode()
    attempt = start(student_client, lesson)
    student_client.post(answer_url(attempt), form_data(attempt, attempt.question_ids[0]))
    body = student_client.get(reverse("student_home")).content.decode()
    assert "Em đang làm dở" in body and "Tiếp tục" in body
    assert reverse("attempt_detail", args=[attempt.pk]) in body
    assert f"Bài 1: {lesson.title}" in body and "đã trả lời 1/10 câu" in body
    for pk in attempt.question_ids[1:]:
        student_client.post(answer_url(attempt), form_data(attempt, pk))
    student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert "Em đang làm dở" not in student_client.get(reverse("student_home")).content.decode()


def test_a_teacher_can_run_the_lesson_as_a_live_contest(client, world, lesson):
    client.force_login(world.teacher)
    body = client.get(lesson.get_absolute_url()).content.decode()
    link = f'{reverse("contest_create")}?quiz={lesson.practice_quiz.pk}'
    assert link in body and "Tổ chức thi trực tiếp với bài này" in body
    form = client.get(link).content.decode()
    assert re.search(rf'<option value="{lesson.practice_quiz.pk}"[^>]*selected', form)


def test_students_get_no_live_contest_shortcut(student_client, lesson):
    assert "Tổ chức thi trực tiếp" not in student_client.get(lesson.get_absolute_url()).content.decode()


def test_lesson_page(student_client, lesson):
    body = student_client.get(lesson.get_absolute_url()).content.decode()
    assert lesson.title in body and "Mục tiêu bài học" in body and "Ghi nhớ" in body
    assert f'alt="{lesson.illustration_alt}"' in body
    assert "Bắt đầu luyện tập" in body
    assert "Hướng dẫn cho giáo viên" not in body
    assert "Đánh giá bài học" not in body


def test_teacher_sees_guide(client, world, lesson):
    client.force_login(world.teacher)
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert "Hướng dẫn cho giáo viên" in body and "Bắt đầu luyện tập" not in body


def test_simulation_lesson_gates_practice(student_client, course):
    l4 = Lesson.objects.get(key="l4")
    body = student_client.get(l4.get_absolute_url()).content.decode()
    assert "Mô phỏng — không phải hệ thống thật" in body and "Bắt đầu luyện tập" not in body
    response = student_client.post(reverse("practice_start", args=["l4"]))
    assert response.status_code == 400 and "mô phỏng" in response.content.decode()
    assert not PracticeAttempt.objects.exists()


def test_practice_flow_answer_reload_resume_submit(student_client, student, lesson):
    attempt = start(student_client, lesson)
    assert start(student_client, lesson).pk == attempt.pk  # starting again resumes
    first, second = attempt.question_ids[:2]
    response = student_client.post(answer_url(attempt), form_data(attempt, first))
    assert response.status_code == 302
    page = student_client.get(response["Location"]).content.decode()
    assert "Giải thích:" in page and Question.objects.get(pk=first).explanation in page
    # reload: the next unanswered question is shown
    page = student_client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert "Câu 2/10" in page and "Đã trả lời 1/10 câu" in page
    assert Question.objects.get(pk=second).text in page
    for pk in attempt.question_ids[1:]:
        assert student_client.post(answer_url(attempt), form_data(attempt, pk)).status_code == 302
    response = student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert response.status_code == 302
    page = student_client.get(response["Location"]).content.decode()
    assert "100%" in page and "Đạt" in page
    assert LessonCompletion.objects.get(student=student, lesson=lesson).best_percent == 100


def test_ordering_and_matching_by_form_fields(student_client, student, course):
    """Position selects and matching selects grade exactly like the wire form."""
    lesson = Lesson.objects.get(key="l1")
    ordering = Question.objects.get(quiz__lesson=lesson, kind="ordering")
    matching = Question.objects.get(quiz__lesson=lesson, kind="matching")
    others = list(lesson.practice_quiz.questions.exclude(pk__in=[ordering.pk, matching.pk]).values_list("pk", flat=True))
    attempt = PracticeAttempt.objects.create(
        student=student, lesson=lesson, question_ids=[ordering.pk, matching.pk, *others[:8]], seed="s", total=10
    )
    page = student_client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert 'name="pos_0"' in page and "Vị trí" in page
    assert student_client.post(answer_url(attempt), form_data(attempt, ordering.pk)).status_code == 302
    assert student_client.post(answer_url(attempt), form_data(attempt, matching.pk, correct=False)).status_code == 302
    answers = {a.question_id: a.is_correct for a in PracticeAnswer.objects.all()}
    assert answers == {ordering.pk: True, matching.pk: False}
    page = student_client.get(reverse("attempt_detail", args=[attempt.pk]) + "?q=2").content.decode()
    assert "Chưa đúng" in page and "Em chọn" in page


def test_page_never_contains_key_of_unanswered_question(student_client, student, course):
    """No choice ids, no correctness marks, no explanation before answering."""
    lesson = Lesson.objects.get(key="l4")
    ordering = Question.objects.get(quiz__lesson=lesson, kind="ordering")
    attempt = PracticeAttempt.objects.create(student=student, lesson=lesson, question_ids=[ordering.pk], seed="x", total=1)
    page = student_client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    assert ordering.text in page and ordering.explanation not in page
    for choice in ordering.choices.all():
        assert f'value="{choice.key}"' not in page
    assert "đáp án đúng" not in page


def test_fetch_answer_returns_fragment(student_client, lesson):
    attempt = start(student_client, lesson)
    pk = attempt.question_ids[0]
    response = student_client.post(answer_url(attempt), form_data(attempt, pk), HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "Giải thích:" in body


@pytest.mark.parametrize(
    "case", ["foreign_question", "unknown_choice", "not_a_number", "unicode_digit", "bad_position", "empty"]
)
def test_tampered_answers_are_400_and_change_nothing(student_client, lesson, case):
    attempt = start(student_client, lesson)
    pk = attempt.question_ids[0]
    data = form_data(attempt, pk)
    if case == "foreign_question":
        data["question"] = str(lesson.practice_quiz.questions.exclude(pk__in=attempt.question_ids).first().pk)
    elif case == "unknown_choice":
        data = {"question": str(pk), "answer": ["99"], **{f"pos_{i}": "99" for i in range(6)},
                **{f"match_{j}": "99" for j in range(6)}}
    elif case == "not_a_number":
        data["question"] = "abc"
    elif case == "unicode_digit":
        data = {"question": str(pk), "answer": ["²"], **{f"pos_{i}": "²" for i in range(6)},
                **{f"match_{j}": "²" for j in range(6)}}
    elif case == "bad_position":
        data = {"question": str(pk), "answer": ["-1"], "pos_0": "x", "match_0": "x"}
    else:
        data = {"question": str(pk)}
    response = student_client.post(answer_url(attempt), data)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not PracticeAnswer.objects.exists()


def test_already_answered_is_400(student_client, lesson):
    attempt = start(student_client, lesson)
    pk = attempt.question_ids[0]
    student_client.post(answer_url(attempt), form_data(attempt, pk, correct=False))
    response = student_client.post(answer_url(attempt), form_data(attempt, pk))
    assert response.status_code == 400 and "đã được khóa" in response.content.decode()
    assert not PracticeAnswer.objects.get().is_correct


def test_after_submit_is_400(student_client, student, lesson):
    attempt = start(student_client, lesson)
    answer_all(attempt)
    services.attempt_submit(attempt=attempt)
    response = student_client.post(answer_url(attempt), form_data(attempt, attempt.question_ids[0]))
    assert response.status_code == 400
    assert student_client.post(reverse("attempt_submit", args=[attempt.pk])).status_code == 400


def test_submit_with_missing_answers_is_400(student_client, lesson):
    attempt = start(student_client, lesson)
    response = student_client.post(reverse("attempt_submit", args=[attempt.pk]))
    assert response.status_code == 400 and "chưa trả lời" in response.content.decode()


def test_another_students_attempt_is_404(client, world, lesson):
    attempt = services.attempt_start(student=world.students[1], lesson=lesson)
    client.force_login(world.students[0])
    assert client.get(reverse("attempt_detail", args=[attempt.pk])).status_code == 404
    data = form_data(attempt, attempt.question_ids[0])
    assert client.post(answer_url(attempt), data).status_code == 404
    assert client.post(reverse("attempt_submit", args=[attempt.pk])).status_code == 404
    assert not PracticeAnswer.objects.exists()


def test_teacher_cannot_practice(client, world, lesson):
    client.force_login(world.teacher)
    assert client.post(reverse("practice_start", args=[lesson.key])).status_code == 403


def test_rating_after_completion(student_client, student, lesson):
    url = reverse("lesson_rate", args=[lesson.key])
    assert student_client.post(url, {"stars": "5"}).status_code == 400
    pass_lesson(student, lesson)
    assert "Đánh giá bài học" in student_client.get(lesson.get_absolute_url()).content.decode()
    assert student_client.post(url, {"stars": "9"}).status_code == 400
    assert student_client.post(url, {"stars": "4", "comment": "Dễ hiểu"}).status_code == 302
    assert LessonRating.objects.get(student=student, lesson=lesson).stars == 4


def test_just_trained_message(student_client, student, course):
    lessons = list(Lesson.objects.filter(required=True).order_by("order"))
    for lesson in lessons[:-1]:
        pass_lesson(student, lesson)
    if lessons[-1].simulation_required:
        complete_simulation(student, lessons[-1].simulation)
    attempt = start(student_client, lessons[-1])
    answer_all(attempt)
    response = student_client.post(reverse("attempt_submit", args=[attempt.pk]), follow=True)
    assert "được công nhận đã được phổ cập" in response.content.decode()


def test_odd_question_number_in_address_falls_back(student_client, lesson):
    attempt = start(student_client, lesson)
    for q in ("²", "0", "99", "x"):
        page = student_client.get(reverse("attempt_detail", args=[attempt.pk]) + f"?q={q}")
        assert page.status_code == 200 and "Câu 1/10" in page.content.decode()


def test_unknown_lesson_is_404(student_client, course):
    assert student_client.get(reverse("lesson_detail", args=["l99"])).status_code == 404
    assert student_client.post(reverse("practice_start", args=["l99"])).status_code == 404


def _queries(client, method, url, data=None, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data, **headers)
    assert response.status_code == 200, response.content[:500]
    return len(queries)


# Query budgets: session, user and the active role (middleware and decorators) come
# first; the header's role list is one more on full pages.
LESSON_PAGE_QUERIES = 8  # + lesson with its quiz, completion, attempts; rating once completed
ANSWER_QUERIES = 11  # + attempt, question, choices; lock, answered ids, insert


def test_lesson_page_queries_do_not_grow_with_history(student_client, student, lesson):
    """Six attempts cost as many queries as one: the count depends on what the page shows, not on history."""
    fresh = _queries(student_client, "get", lesson.get_absolute_url())
    pass_lesson(student, lesson)
    services.lesson_rate(student=student, lesson=lesson, stars=5, comment="Hay")
    completed = _queries(student_client, "get", lesson.get_absolute_url())
    for _ in range(5):
        pass_lesson(student, lesson)
    services.attempt_start(student=student, lesson=lesson)
    assert _queries(student_client, "get", lesson.get_absolute_url()) == completed == fresh + 1 <= LESSON_PAGE_QUERIES
    body = student_client.get(lesson.get_absolute_url()).content.decode()
    assert body.count('href="/lessons/practice/') == 5  # the five latest submitted attempts
    assert "Làm tiếp bài luyện tập" in body and "Cập nhật đánh giá" in body


def test_answer_queries_do_not_grow_with_questions(student_client, lesson):
    """Saving an answer costs the same for the first and the last question, and for a longer attempt."""
    attempt = start(student_client, lesson)
    counts = [
        _queries(student_client, "post", answer_url(attempt), form_data(attempt, pk), HTTP_X_REQUESTED_WITH="fetch")
        for pk in attempt.question_ids
    ]
    services.attempt_submit(attempt=attempt)
    lesson.practice_quiz.draw_count = 15
    lesson.practice_quiz.save()
    longer = start(student_client, lesson)
    assert len(longer.question_ids) == 15
    last = longer.question_ids[-1]
    counts.append(
        _queries(student_client, "post", answer_url(longer), form_data(longer, last), HTTP_X_REQUESTED_WITH="fetch")
    )
    assert set(counts) == {counts[0]} and counts[0] <= ANSWER_QUERIES


def test_answer_fragment_shows_progress(student_client, lesson):
    """The fragment after an answer marks exactly the answered questions in its navigation."""
    attempt = start(student_client, lesson)
    first, second = attempt.question_ids[:2]
    student_client.post(answer_url(attempt), form_data(attempt, first), HTTP_X_REQUESTED_WITH="fetch")
    body = student_client.post(
        answer_url(attempt), form_data(attempt, second), HTTP_X_REQUESTED_WITH="fetch"
    ).content.decode()
    assert "Đã trả lời 2/10 câu" in body and "Câu 2/10" in body
    assert body.count("is-answered") == 2 and 'aria-current="step">2<' in body


def test_answer_fragment_submit_form_has_csrf_token(student_client, lesson):
    """The fragment skips the header's context processors but its submit form still carries the CSRF token."""
    attempt = start(student_client, lesson)
    for pk in attempt.question_ids:
        response = student_client.post(answer_url(attempt), form_data(attempt, pk), HTTP_X_REQUESTED_WITH="fetch")
    body = response.content.decode()
    assert reverse("attempt_submit", args=[attempt.pk]) in body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token and len(token.group(1)) == 64
