"""The questions-to-review page and "Báo lỗi câu hỏi": who sees what, dedup, throttle, validation."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from lessons import item_stats, services
from lessons.models import Choice, PracticeAnswer, PracticeAttempt, Question, QuestionReport
from tests.lessons.helpers import pass_lesson
from tests.lessons.item_data import enroll, generate

REVIEW = reverse("question_review")


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def generated(world, settings):
    settings.ITEM_REVIEW_MIN_ANSWERS = 10
    return generate(world)


@pytest.fixture
def answered(student, lesson):
    """A question the student answered in a submitted practice attempt."""
    pass_lesson(student, lesson)
    attempt = PracticeAttempt.objects.filter(student=student, lesson=lesson).latest("started_at")
    return Question.objects.get(pk=attempt.question_ids[0])


def _report(user, question, reason="wrong", text="Đáp án đúng đã thay đổi từ năm 2025."):
    return services.question_report_create(user=user, question=question, reason=reason, text=text)


# Reports --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_report_never_changes_a_score(student, answered):
    attempt = PracticeAttempt.objects.filter(student=student).latest("started_at")
    before = (attempt.percent, attempt.correct_count, list(PracticeAnswer.objects.values_list("is_correct", flat=True)))
    _report(student, answered)
    attempt.refresh_from_db()
    assert (attempt.percent, attempt.correct_count, list(PracticeAnswer.objects.values_list("is_correct", flat=True))) == before


@pytest.mark.django_db
def test_a_second_report_of_the_same_question_is_refused(student, answered):
    _report(student, answered)
    with pytest.raises(ValidationError, match="đã báo lỗi câu hỏi này"):
        _report(student, answered, reason="unclear", text="Khác")
    assert QuestionReport.objects.get().reason == "wrong"


@pytest.mark.django_db
@pytest.mark.parametrize(("reason", "text", "message"), [
    ("nonsense", "Sai rồi", "Hãy chọn loại lỗi"),
    ("", "Sai rồi", "Hãy chọn loại lỗi"),
    ("wrong", "   ", "Hãy viết ngắn gọn"),
    ("wrong", "x" * 301, "tối đa 300"),
])
def test_bad_input_is_refused_in_vietnamese_and_stores_nothing(student, answered, reason, text, message):
    with pytest.raises(ValidationError, match=message):
        _report(student, answered, reason=reason, text=text)
    assert not QuestionReport.objects.exists()


@pytest.mark.django_db
def test_reports_are_throttled_per_user(world, settings, course):
    settings.QUESTION_REPORTS_PER_HOUR = 3
    questions = list(Question.objects.filter(quiz__lesson__isnull=False)[:5])
    for question in questions[:3]:
        _report(world.teacher, question)
    with pytest.raises(ValidationError, match="nhiều báo lỗi"):
        _report(world.teacher, questions[3])
    assert QuestionReport.objects.count() == 3
    _report(world.other_teacher, questions[3])  # another user is not held back


@pytest.mark.django_db
def test_refused_reports_do_not_use_up_the_limit(world, settings, course):
    settings.QUESTION_REPORTS_PER_HOUR = 1
    question = Question.objects.filter(quiz__lesson__isnull=False).first()
    with pytest.raises(ValidationError):
        _report(world.teacher, question, text="")
    _report(world.teacher, question)


@pytest.mark.django_db
def test_a_student_reports_only_questions_they_answered(client, student, answered, lesson):
    client.force_login(student)
    other = Question.objects.filter(quiz=lesson.practice_quiz).exclude(
        pk__in=PracticeAnswer.objects.filter(attempt__student=student).values("question_id")
    ).first()
    assert client.get(reverse("question_report", args=[other.pk])).status_code == 404
    page = client.get(reverse("question_report", args=[answered.pk]))
    assert page.status_code == 200 and answered.text in page.content.decode()


@pytest.mark.django_db
def test_the_result_page_links_each_question_to_a_report(client, student, lesson):
    pass_lesson(student, lesson)
    attempt = PracticeAttempt.objects.filter(student=student).latest("started_at")
    client.force_login(student)
    html = client.get(reverse("attempt_detail", args=[attempt.pk])).content.decode()
    for pk in attempt.question_ids:
        assert reverse("question_report", args=[pk]) in html


@pytest.mark.django_db
def test_report_form_posts_and_redirects_to_next(client, student, answered):
    client.force_login(student)
    url = reverse("question_report", args=[answered.pk])
    response = client.post(url, {"reason": "outdated", "text": "Thủ tục này đã đổi tên.", "next": "/lessons/"})
    assert response.status_code == 302 and response["Location"] == "/lessons/"
    assert QuestionReport.objects.get().reason == "outdated"
    again = client.post(url, {"reason": "outdated", "text": "Lần nữa", "next": "https://evil.example/"})
    assert again.status_code == 400 and "đã báo lỗi câu hỏi này" in again.content.decode()
    assert QuestionReport.objects.count() == 1


@pytest.mark.django_db
def test_report_form_bad_input_is_400_with_a_vietnamese_error(client, world, course):
    question = Question.objects.filter(quiz__lesson__isnull=False).first()
    client.force_login(world.teacher)
    response = client.post(reverse("question_report", args=[question.pk]), {"reason": "bogus", "text": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Hãy chọn loại lỗi" in html and "Hãy viết ngắn gọn" in html
    assert not QuestionReport.objects.exists()


@pytest.mark.django_db
def test_an_unsafe_next_falls_back_to_the_course(client, world, course):
    question = Question.objects.filter(quiz__lesson__isnull=False).first()
    client.force_login(world.teacher)
    response = client.post(
        reverse("question_report", args=[question.pk]),
        {"reason": "unclear", "text": "Câu chữ khó hiểu.", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("course_overview")


# The review page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_editor_sees_flagged_items_with_option_figures(client, world, generated):
    single = next(q for q in generated.questions if q.kind == "single")
    Choice.objects.create(question=single, key="d", text="Phương án không ai chọn", position=9)
    client.force_login(world.editor)
    response = client.get(REVIEW)
    page = response.context["page"]
    stats = item_stats.item_statistics(questions=Question.objects.filter(quiz=generated.quiz))
    expected = {pk for pk, s in stats.items() if item_stats.item_review_flags(s)}
    assert single.pk in expected and {i.question.pk for i in page.flagged} >= expected
    item = next(i for i in page.flagged if i.question.pk == single.pk)
    assert ("unused_distractor", "Có phương án nhiễu không ai chọn") in [(c, str(label)) for c, label in item.flags]
    html = response.content.decode()
    for choice in single.choices.all():
        assert choice.text in html


@pytest.mark.django_db
def test_min_answers_setting_hides_flags(client, world, generated, settings):
    settings.ITEM_REVIEW_MIN_ANSWERS = 10_000
    client.force_login(world.editor)
    assert client.get(REVIEW).context["page"].flagged == []


@pytest.mark.django_db
def test_teacher_sees_only_their_own_students_answers_and_cannot_handle(client, world, generated):
    enroll(generated.students[:6], world.classroom)
    single = next(q for q in generated.questions if q.kind == "single")
    Choice.objects.create(question=single, key="d", text="Phương án không ai chọn", position=9)
    client.force_login(world.teacher)
    page = client.get(REVIEW).context["page"]
    own = item_stats.item_statistics(
        students=world.classroom.enrollments.values("student"), questions=Question.objects.filter(quiz=generated.quiz)
    )
    everyone = item_stats.item_statistics(questions=Question.objects.filter(quiz=generated.quiz))
    shown = {i.question.pk: i.stats.answers for i in page.flagged if i.stats}
    assert single.pk in shown
    assert all(shown[pk] == own[pk].answers < everyone[pk].answers for pk in shown)
    question = generated.questions[0]
    _report(world.other_teacher, question)
    html = client.get(REVIEW).content.decode()
    assert "Đánh dấu đã xử lý" not in html and "Đáp án đúng đã thay đổi" not in html  # counts only, no texts
    assert client.post(reverse("question_reports_handle", args=[question.pk])).status_code == 403
    assert QuestionReport.objects.filter(handled_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_reports_are_listed_with_counts_and_an_editor_marks_them_handled(client, world, course):
    question = Question.objects.filter(quiz__lesson__isnull=False).first()
    _report(world.teacher, question)
    _report(world.other_teacher, question, reason="unclear", text="Khó hiểu quá.")
    client.force_login(world.editor)
    page = client.get(REVIEW).context["page"]
    item = next(i for i in page.reported if i.question.pk == question.pk)
    assert (item.reports_open, item.reports) == (2, {"wrong": 1, "unclear": 1})
    assert {r.text for r in item.open_reports} == {"Đáp án đúng đã thay đổi từ năm 2025.", "Khó hiểu quá."}
    response = client.post(reverse("question_reports_handle", args=[question.pk]))
    assert response.status_code == 302
    assert not QuestionReport.objects.filter(handled_at__isnull=True).exists()
    assert QuestionReport.objects.filter(handled_by=world.editor).count() == 2
    assert all(i.question.pk != question.pk for i in client.get(REVIEW).context["page"].reported)


@pytest.mark.django_db
def test_review_page_query_count_does_not_grow_with_answers(client, world, settings, django_assert_max_num_queries):
    settings.ITEM_REVIEW_MIN_ANSWERS = 5
    client.force_login(world.editor)
    generate(world, seed=3, practice=10, online=10, live=10)
    with django_assert_max_num_queries(20) as small:
        client.get(REVIEW)
    generate(world, seed=4, practice=40, online=40, live=40)
    with django_assert_max_num_queries(20) as large:
        client.get(REVIEW)
    assert len(small.captured_queries) == len(large.captured_queries)
