"""Per-student summaries: kept by the lessons services on every event, equal to a rebuild from the records."""

import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict

from coverage import selectors
from coverage.models import StudentSummary
from coverage.selectors import Scope
from coverage.summaries import summaries_rebuild
from lessons import services as lessons_services
from lessons.models import Lesson, LessonCompletion, LessonRating, PracticeAnswer
from tests.coverage.helpers import at, attempt, complete, train
from tests.lessons.helpers import complete_simulation

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[int, dict]:
    return {row.student_id: model_to_dict(row) for row in StudentSummary.objects.order_by("pk")}


def _answer(started, *, wrong: int) -> None:
    """Answers as rows (the grading of each is the lessons tests' business): the first ``wrong`` ones wrong."""
    PracticeAnswer.objects.bulk_create([
        PracticeAnswer(attempt=started, question_id=pk, response=[], is_correct=index >= wrong)
        for index, pk in enumerate(started.question_ids)
    ])


def _event(rng: random.Random, student, lessons: list[Lesson], teacher) -> None:
    """One thing a student or a teacher does that changes the learning records."""
    lesson = rng.choice(lessons)
    kind = rng.choice(["practice", "practice", "open", "in_person", "rate"])
    if kind in ("practice", "open"):
        if lesson.simulation_required:
            complete_simulation(student, lesson.simulation)
        started = lessons_services.attempt_start(student=student, lesson=lesson)
        if kind == "practice":
            _answer(started, wrong=rng.choice([0, 0, 1, 5]))
            lessons_services.attempt_submit(attempt=started)
    elif kind == "in_person":
        lessons_services.lesson_complete(
            student=student, lesson=lesson, method=LessonCompletion.Method.IN_PERSON, recorded_by=teacher,
            completed_at=at(2025, 9, 10) + timedelta(days=rng.randint(0, 90)),
        )
    elif LessonCompletion.objects.filter(student=student, lesson=lesson).exists():
        lessons_services.lesson_rate(student=student, lesson=lesson, stars=rng.randint(1, 5))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summaries_kept_on_write_equal_a_rebuild_after_random_events(world, seed):
    """Whatever the order of practices, in-person completions and (re-)ratings, the summaries the
    services keep are exactly what a rebuild from the records gives."""
    lessons = list(lessons_services.curriculum_load().course.lessons.filter(required=True, is_active=True))
    rng = random.Random(seed)
    for _ in range(30):
        _event(rng, rng.choice(world.students), lessons, world.teacher)
    for lesson in rng.sample(lessons, len(lessons)):  # one student finishes the course in the middle of it all
        lessons_services.lesson_complete(student=world.students[0], lesson=lesson, percent=rng.randint(80, 100),
                                         completed_at=at(2025, 11, 1) + timedelta(days=rng.randint(0, 30)))
    for _ in range(20):
        _event(rng, rng.choice(world.students), lessons, world.teacher)
    kept = _snapshot()
    assert kept[world.students[0].pk]["trained_at"] is not None
    assert any(row["stars_count"] for row in kept.values()) and any(row["scores_count"] for row in kept.values())
    summaries_rebuild()
    assert _snapshot() == kept


def test_a_student_trained_through_the_services_has_the_course_completion_time(world):
    course = lessons_services.curriculum_load().course
    student = world.students[0]
    for lesson in course.lessons.filter(required=True, is_active=True):
        lessons_services.lesson_complete(student=student, lesson=lesson, method=LessonCompletion.Method.IN_PERSON,
                                         recorded_by=world.teacher, completed_at=at(2025, 10, 1 + lesson.order))
    summary = StudentSummary.objects.get(student=student)
    assert summary.trained_at == student.course_completions.get().trained_at
    assert summary.started_at == at(2025, 10, 2)
    assert summary.lessons_completed == course.lessons.filter(required=True, is_active=True).count()


def test_re_rating_replaces_the_stars(world):
    course = lessons_services.curriculum_load().course
    student, lesson = world.students[0], course.lessons.get(key="l1")
    lessons_services.lesson_complete(student=student, lesson=lesson, method=LessonCompletion.Method.IN_PERSON,
                                     recorded_by=world.teacher, completed_at=at(2025, 10, 1))
    lessons_services.lesson_rate(student=student, lesson=lesson, stars=5)
    lessons_services.lesson_rate(student=student, lesson=lesson, stars=2)
    summary = StudentSummary.objects.get(student=student)
    assert (summary.stars_sum, summary.stars_count, summary.stars_high) == (2, 1, 0)
    assert LessonRating.objects.get().stars == 2


def test_the_rebuild_command_restores_lost_summaries(world, course):
    train(world.students[0], course, at(2025, 10, 1))
    before = _snapshot()
    StudentSummary.objects.all().delete()
    call_command("coverage_rebuild", verbosity=0)
    assert _snapshot() == before


def test_a_cutoff_before_a_students_latest_activity_counts_from_the_records(world, course):
    """Summaries run to the latest event; an earlier cut-off still counts only what was done by then."""
    a = world.students[0]
    first, second, third = course.lessons.filter(required=True)
    complete(a, [first], at(2025, 10, 1))
    complete(a, [second, third], at(2025, 12, 1))
    attempt(a, first, at(2025, 10, 1), 60)
    attempt(a, second, at(2025, 12, 1), 100)
    scope = Scope.of(world.classroom, world.year)
    early = selectors.indicators_by(scope, cutoff=date(2025, 10, 31), group="classroom")[world.classroom.pk]
    late = selectors.indicators_by(scope, cutoff=date(2025, 12, 31), group="classroom")[world.classroom.pk]
    assert (early.lessons_completed, early.score_sum, early.score_count) == (1, 60, 1)
    assert (late.lessons_completed, late.score_sum, late.score_count) == (3, 160, 2)
