"""Loading is idempotent with stable ids; missing questions are retired; attempts are never touched."""

import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from lessons import selectors, services
from lessons.content import CurriculumError
from lessons.models import (
    Choice,
    CourseCompletion,
    Lesson,
    LessonCompletion,
    PracticeAnswer,
    PracticeAttempt,
    Question,
)
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


@pytest.mark.django_db
def test_load_reports_questions_added_changed_retired(curriculum_copy):
    first = services.curriculum_load(root=curriculum_copy)
    assert first.questions_added == Question.objects.count() and first.questions_changed == 0
    edit(curriculum_copy / "questions" / "l1.yaml", "Câu nào mô tả đúng nhất", "Câu nào mô tả chính xác nhất")
    second = services.curriculum_load(root=curriculum_copy)
    assert (second.questions_added, second.questions_changed, second.questions_retired) == (0, 1, 0)
    out = io.StringIO()
    call_command("load_curriculum", path=curriculum_copy, stdout=out)
    assert "0 thêm mới, 0 sửa, 0 ngừng dùng" in out.getvalue()


def question_block(text: str, key: str) -> tuple[int, str]:
    """Where the item ``key`` starts in a question file, and its lines up to the next item."""
    start = text.index(f"  - id: {key}")
    return start, text[start:text.index("\n  - id:", start + 1)]


@pytest.mark.django_db
def test_same_id_with_another_key_is_refused_and_nothing_written(curriculum_copy):
    services.curriculum_load(root=curriculum_copy)
    path = curriculum_copy / "questions" / "l1.yaml"
    text = path.read_text(encoding="utf-8")
    start, block = question_block(text, "l1-q01")
    moved = block.replace(", correct: true}", "}").replace('{id: b, text: "', '{id: b, correct: true, text: "', 1)
    assert moved != block
    path.write_text(text.replace(block, moved.replace("Câu nào mô tả đúng nhất", "Câu nào mô tả sai")), encoding="utf-8")
    with pytest.raises(CurriculumError) as info:
        services.curriculum_load(root=curriculum_copy)
    [problem] = info.value.problems
    assert (problem.file, problem.line) == ("questions/l1.yaml", text[:start].count("\n") + 1)
    assert "'l1-q01' đã có với đáp án khác" in problem.message
    assert not Question.objects.get(key="l1-q01").text.startswith("Câu nào mô tả sai")


@pytest.mark.django_db
def test_reordering_options_keeps_the_id(curriculum_copy):
    services.curriculum_load(root=curriculum_copy)
    path = curriculum_copy / "questions" / "l1.yaml"
    text = path.read_text(encoding="utf-8")
    start, block = question_block(text, "l1-q01")
    lines = block.split("\n")
    options = [i for i, line in enumerate(lines) if line.strip().startswith("- {id:")]
    lines[options[0]], lines[options[-1]] = lines[options[-1]], lines[options[0]]
    path.write_text(text.replace(block, "\n".join(lines)), encoding="utf-8")
    assert services.curriculum_load(root=curriculum_copy).questions_changed == 1


@pytest.mark.django_db
def test_real_curriculum_loads_in_course_order_with_its_check_date():
    root = services.CURRICULUM_ROOT
    report = services.curriculum_load(root=root)
    course_file = yaml.safe_load((root / "course.yaml").read_text(encoding="utf-8"))
    sources = yaml.safe_load((root / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    assert report.course.version == course_file["version"]
    assert report.course.content_date == max(date.fromisoformat(str(s["checked"])) for s in sources.values())
    lessons = list(Lesson.objects.filter(is_active=True).order_by("order"))
    assert [lesson.key for lesson in lessons] == [entry["id"] for entry in course_file["lessons"]]
    for lesson, entry in zip(lessons, course_file["lessons"], strict=True):
        assert lesson.simulation_required == entry.get("simulation_required", False)
        assert not lesson.simulation_required or lesson.simulation
        practice = lesson.practice_quiz.questions.filter(is_retired=False, check_form="").count()
        assert practice >= course_file["draw_count"]


@pytest.mark.django_db
def test_upgrade_from_version_1_keeps_students_trained_and_their_history(world, curriculum_copy):
    services.curriculum_load(root=curriculum_copy)
    student = world.students[0]
    for lesson in Lesson.objects.filter(is_active=True).order_by("order"):
        services.lesson_complete(student=student, lesson=lesson, method=LessonCompletion.Method.IN_PERSON, percent=90)
    result = pass_lesson(world.students[1], Lesson.objects.get(key="l1"))
    trained_at = CourseCompletion.objects.get(student=student).trained_at
    answers = PracticeAnswer.objects.count()

    real = {"root": services.CURRICULUM_ROOT, "image_dir": Path(settings.BASE_DIR) / "static" / "lessons" / "img"}
    upgrade = services.curriculum_load(**real)

    assert upgrade.course.version > 1
    assert CourseCompletion.objects.get(student=student).trained_at == trained_at
    assert selectors.course_progress(student=student).trained_at == trained_at
    assert PracticeAnswer.objects.count() == answers
    assert PracticeAttempt.objects.get(pk=result.attempt.pk).percent == result.attempt.percent
    assert Question.objects.filter(pk__in=result.attempt.question_ids).count() == len(result.attempt.question_ids)
    again = services.curriculum_load(**real)
    assert (again.questions_added, again.questions_changed, again.questions_retired) == (0, 0, 0)
