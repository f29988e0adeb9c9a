"""Loading is idempotent with stable ids; missing questions are retired; attempts are never touched."""

import io

import pytest
from django.core.management import call_command

from lessons import services
from lessons.models import Choice, Lesson, LessonCompletion, PracticeAnswer, PracticeAttempt, Question
from tests.lessons.helpers import pass_lesson
from tests.lessons.test_content import edit

# The package loads the real curriculum once; the loader is tested from an empty one.
pytestmark = pytest.mark.usefixtures("no_curriculum")


@pytest.mark.django_db
def test_second_load_changes_nothing(curriculum_copy):
    first = services.curriculum_load(root=curriculum_copy)
    ids = dict(Question.objects.values_list("key", "pk"))
    choices = list(Choice.objects.order_by("pk").values_list("pk", "key", "text"))
    second = services.curriculum_load(root=curriculum_copy)
    assert first.created > 0
    assert second.created == 0 and second.updated == 0 and second.unchanged == first.created
    assert dict(Question.objects.values_list("key", "pk")) == ids
    assert list(Choice.objects.order_by("pk").values_list("pk", "key", "text")) == choices


@pytest.mark.django_db
def test_edit_updates_in_place(curriculum_copy):
    services.curriculum_load(root=curriculum_copy)
    pk = Question.objects.get(key="l1-q01").pk
    edit(curriculum_copy / "questions" / "l1.yaml", "Câu nào mô tả đúng nhất", "Câu nào mô tả chính xác nhất")
    report = services.curriculum_load(root=curriculum_copy)
    assert report.updated == 1 and report.created == 0
    question = Question.objects.get(key="l1-q01")
    assert question.pk == pk and question.text.startswith("Câu nào mô tả chính xác nhất")


@pytest.mark.django_db
def test_removed_question_is_retired_and_attempts_kept(world, curriculum_copy):
    services.curriculum_load(root=curriculum_copy)
    student = world.students[0]
    result = pass_lesson(student, Lesson.objects.get(key="l1"))
    answers_before = PracticeAnswer.objects.count()
    path = curriculum_copy / "questions" / "l1.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: l1-q17")
    end = text.find("\n  - id:", start + 1)
    path.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""), encoding="utf-8")
    report = services.curriculum_load(root=curriculum_copy)
    assert report.questions_retired == 1
    assert Question.objects.get(key="l1-q17").is_retired
    assert PracticeAnswer.objects.count() == answers_before
    assert PracticeAttempt.objects.get(pk=result.attempt.pk).percent == result.attempt.percent
    assert LessonCompletion.objects.filter(student=student).count() == 1
    # restoring the question brings it back, same row
    path.write_text(text, encoding="utf-8")
    services.curriculum_load(root=curriculum_copy)
    assert not Question.objects.get(key="l1-q17").is_retired


@pytest.mark.django_db
def test_retired_questions_are_not_drawn(world, curriculum_copy):
    services.curriculum_load(root=curriculum_copy)
    lesson = Lesson.objects.get(key="l1")
    retired = list(lesson.practice_quiz.questions.values_list("pk", flat=True)[:5])
    Question.objects.filter(pk__in=retired).update(is_retired=True)
    attempt = services.attempt_start(student=world.students[0], lesson=lesson)
    assert not set(attempt.question_ids) & set(retired)


@pytest.mark.django_db
def test_command_prints_summary():
    out = io.StringIO()
    call_command("load_curriculum", stdout=out)
    assert "Kỹ năng sử dụng dịch vụ công trực tuyến" in out.getvalue()
