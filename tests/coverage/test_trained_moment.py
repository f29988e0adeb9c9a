"""A student is trained at the latest, over required lessons, of each lesson's first done moment,
whatever order the records arrive in (in-person sessions are often recorded later, back-dated)."""

from datetime import date, datetime, timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage import exports, reports, selectors
from coverage.models import StudentSummary
from coverage.selectors import Scope
from coverage.services import training_session_record
from coverage.summaries import summaries_rebuild, training_rebuild
from lessons import services as lessons_services
from lessons import training
from lessons.models import CourseCompletion, Lesson, LessonCompletion
from tests.coverage.helpers import at, make_course
from tests.factories import make_student

pytestmark = pytest.mark.django_db

ONLINE, IN_PERSON = LessonCompletion.Method.ONLINE, LessonCompletion.Method.IN_PERSON


@pytest.fixture
def eight(db):
    return make_course(required=8, optional=0)


def _online(student, lesson, when: datetime):
    return lessons_services.lesson_complete(student=student, lesson=lesson, percent=90, completed_at=when)


def _scenario(world, course):
    """Lessons 1–4 online by 15/01, 5–7 online on 19/01, 22/01, 25/01; lesson 8 at a session held on
    15/01 and recorded after all of that."""
    student = world.students[0]
    lessons = list(course.lessons.order_by("order"))
    for lesson, day in zip(lessons[:4], (10, 12, 14, 15), strict=True):
        _online(student, lesson, at(2026, 1, day))
    for lesson, day in zip(lessons[4:7], (19, 22, 25), strict=True):
        _online(student, lesson, at(2026, 1, day))
    training_session_record(classroom=world.classroom, lesson=lessons[7], held_on=date(2026, 1, 15),
                            attendees=[student], recorded_by=world.teacher)
    return student


def _trained_in_exports(world, cutoff: date) -> tuple[list[str], int]:
    school_rows = list(exports.student_rows(Scope.of(world.school, world.year), date_from=world.year.starts_on,
                                            date_to=cutoff))
    province_rows = list(exports.class_rows(Scope.of(world.province, world.year), date_from=world.year.starts_on,
                                            date_to=cutoff))
    return [row[8] for row in school_rows], sum(row[6] for row in province_rows)


def test_a_back_dated_session_does_not_make_a_student_trained_before_their_last_online_lesson(world, eight):
    student = _scenario(world, eight)
    trained_at = CourseCompletion.objects.get(student=student).trained_at
    assert trained_at == at(2026, 1, 25)
    assert StudentSummary.objects.get(student=student).trained_at == trained_at
    for cutoff, expected in ((date(2026, 1, 20), 0), (date(2026, 1, 25), 1)):
        for obj in (world.classroom, world.school, world.province):
            assert selectors.coverage_counts(Scope.of(obj, world.year), cutoff=cutoff)[1] == expected, (obj, cutoff)
        school_report = reports.school_report(world.school, world.year, cutoff, cutoff)
        province_report = reports.province_report(world.province, world.year, cutoff, cutoff)
        assert (school_report.totals.trained, province_report.totals.trained) == (expected, expected)
        students, province_total = _trained_in_exports(world, cutoff)
        assert students.count("Có") == province_total == expected


def test_a_back_dated_session_earlier_than_an_online_completion_moves_the_lesson_and_the_training_earlier(world, eight):
    student = world.students[0]
    lessons = list(eight.lessons.order_by("order"))
    for offset, lesson in enumerate(lessons):
        _online(student, lesson, at(2026, 1, 10 + offset))  # lesson 8 last, on 17/01
    assert CourseCompletion.objects.get(student=student).trained_at == at(2026, 1, 17)
    training_session_record(classroom=world.classroom, lesson=lessons[7], held_on=date(2026, 1, 5),
                            attendees=[student], recorded_by=world.teacher)
    completion = LessonCompletion.objects.get(student=student, lesson=lessons[7])
    session_noon = training.session_moment(date(2026, 1, 5), timezone.get_current_timezone())
    assert (completion.completed_at, completion.method) == (session_noon, IN_PERSON)
    assert CourseCompletion.objects.get(student=student).trained_at == at(2026, 1, 16)
    summary = model_to_dict(StudentSummary.objects.get(student=student))
    assert summary["trained_at"] == at(2026, 1, 16) and summary["last_completed_at"] == at(2026, 1, 16)
    assert summary["started_at"] == session_noon
    summaries_rebuild(student_ids=[student.pk])
    assert model_to_dict(StudentSummary.objects.get(student=student)) == summary


def test_the_correction_fixes_moments_stored_by_the_earlier_rule(world, eight):
    """Rows as the earlier code left them: trained at the back-dated session, the online lesson 8 kept
    although a session showed it done earlier."""
    student, other = world.students[0], world.students[1]
    _scenario(world, eight)
    CourseCompletion.objects.filter(student=student).update(trained_at=at(2026, 1, 15, 12))
    lessons = list(eight.lessons.order_by("order"))
    for offset, lesson in enumerate(lessons):
        _online(other, lesson, at(2026, 1, 10 + offset))
    training_session_record(classroom=world.classroom, lesson=lessons[7], held_on=date(2026, 1, 5),
                            attendees=[other], recorded_by=world.teacher)
    LessonCompletion.objects.filter(student=other, lesson=lessons[7]).update(completed_at=at(2026, 1, 17))
    CourseCompletion.objects.filter(student=other).update(trained_at=at(2026, 1, 17))
    summaries_rebuild()
    assert training_rebuild() == 1  # the kept rule only moves `other` earlier
    assert CourseCompletion.objects.get(student=other).trained_at == at(2026, 1, 16)
    assert CourseCompletion.objects.get(student=student).trained_at == at(2026, 1, 15, 12)
    assert training_rebuild(correct=True) == 1
    assert CourseCompletion.objects.get(student=student).trained_at == at(2026, 1, 25)
    assert StudentSummary.objects.get(student=student).trained_at == at(2026, 1, 25)
    assert selectors.coverage_counts(Scope.of(world.classroom, world.year), cutoff=date(2026, 1, 20))[1] == 1


def test_a_lesson_made_required_later_neither_untrains_nor_moves_the_moment(world, eight):
    student = world.students[0]
    for offset, lesson in enumerate(eight.lessons.order_by("order")):
        _online(student, lesson, at(2026, 1, 10 + offset))
    added = Lesson.objects.create(course=eight, key="t9", order=9, title="Bài mới", summary="…", body_html="<p></p>")
    _online(student, added, at(2026, 3, 1))
    for correct in (False, True):
        training_rebuild(correct=correct)
        assert CourseCompletion.objects.get(student=student).trained_at == at(2026, 1, 17)
    other = world.students[1]
    for lesson in eight.lessons.order_by("order")[:8]:
        _online(other, lesson, at(2026, 1, 20))
    assert not CourseCompletion.objects.filter(student=other).exists()


def test_the_rebuild_command_creates_a_missing_course_completion_by_the_definition(world, eight):
    student = world.students[0]
    for offset, lesson in enumerate(eight.lessons.order_by("order")):
        LessonCompletion.objects.create(student=student, lesson=lesson, method=ONLINE,
                                        completed_at=at(2026, 1, 1 + offset), best_percent=90)
    training_rebuild()
    assert CourseCompletion.objects.get(student=student).trained_at == at(2026, 1, 8)


events = st.lists(
    st.tuples(st.integers(0, 3), st.sampled_from([ONLINE, IN_PERSON]), st.integers(0, 40)), min_size=1, max_size=12
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=events)
def test_the_stored_trained_moment_is_the_definition_over_any_history(world, course, history):
    """Random completions and back-dated sessions, in random arrival order, of a course with three required
    lessons and an optional one: the stored moment is the latest first done moment over required lessons."""
    student = make_student(world.classroom, "Phạm Văn Thử")
    lessons = list(course.lessons.order_by("order"))
    tz = timezone.get_current_timezone()
    first: dict[int, datetime] = {}
    for index, method, offset in history:
        lesson = lessons[index]
        if method == ONLINE:
            when = at(2025, 10, 1) + timedelta(days=offset, minutes=index)
            _online(student, lesson, when)
        else:
            held_on = date(2025, 10, 1) + timedelta(days=offset)
            training_session_record(classroom=world.classroom, lesson=lesson, held_on=held_on, attendees=[student],
                                    recorded_by=world.teacher)
            when = training.session_moment(held_on, tz)
        first[lesson.pk] = min(first.get(lesson.pk, when), when)
    required = [lesson.pk for lesson in lessons if lesson.required]
    expected = max(first[pk] for pk in required) if all(pk in first for pk in required) else None
    stored = CourseCompletion.objects.filter(student=student).values_list("trained_at", flat=True).first()
    assert stored == expected
    assert StudentSummary.objects.get(student=student).trained_at == expected
    assert dict(LessonCompletion.objects.filter(student=student).values_list("lesson_id", "completed_at")) == first
    assert training_rebuild(student_ids=[student.pk], correct=True) == 0
