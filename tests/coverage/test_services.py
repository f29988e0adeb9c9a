"""Writes: in-person sessions, people guided, targets, school-year rollover (preview, commit, all-or-nothing)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from coverage import rollover, services
from coverage.models import GuidedPerson, Target, TrainingSession
from lessons.models import CourseCompletion, LessonCompletion
from schools.models import Classroom, Enrollment
from tests.coverage.helpers import at, complete, train
from tests.factories import make_student, make_year

pytestmark = pytest.mark.django_db


def test_in_person_session_completes_the_lesson_and_trains_when_it_finishes_the_course(world, course):
    a, b, c = world.students
    first, second, third = course.lessons.filter(required=True).order_by("order")
    complete(a, [first, second], at(2025, 10, 1))
    session = services.training_session_record(
        classroom=world.classroom, lesson=third, held_on=date(2025, 10, 15), attendees=[a, b], recorded_by=world.teacher
    )
    assert set(session.attendees.all()) == {a, b} and session.recorded_by == world.teacher
    rows = LessonCompletion.objects.filter(lesson=third)
    assert {r.student for r in rows} == {a, b}
    assert all(r.method == "in_person" and r.recorded_by == world.teacher for r in rows)
    trained = CourseCompletion.objects.get(student=a)
    assert trained.trained_at.date() == date(2025, 10, 15)
    assert not CourseCompletion.objects.filter(student__in=[b, c]).exists()


def test_in_person_session_keeps_an_earlier_online_completion(world, course):
    a = world.students[0]
    first = course.lessons.get(order=1)
    complete(a, [first], at(2025, 10, 1))
    services.training_session_record(classroom=world.classroom, lesson=first, held_on=date(2025, 10, 15),
                                     attendees=[a], recorded_by=world.teacher)
    assert LessonCompletion.objects.get(student=a, lesson=first).method == "online"


@pytest.mark.parametrize(("held_on", "attendees", "message"), [
    (date(2099, 1, 1), "own", "tương lai"),
    (date(2024, 1, 1), "own", "năm học"),
    (date(2025, 10, 1), "none", "ít nhất một"),
    (date(2025, 10, 1), "foreign", "Chỉ ghi nhận"),
])
def test_bad_session_changes_nothing(world, course, held_on, attendees, message):
    chosen = {"own": world.students[:1], "none": [], "foreign": [world.foreign_student]}[attendees]
    with pytest.raises(ValidationError, match=message):
        services.training_session_record(classroom=world.classroom, lesson=course.lessons.first(), held_on=held_on,
                                         attendees=chosen, recorded_by=world.teacher)
    assert not TrainingSession.objects.exists() and not LessonCompletion.objects.exists()


def test_guided_person_needs_a_trained_student(world, course):
    student = world.students[0]
    data = {"school_year": world.year, "relationship": "parent", "procedure": "vneid",
            "guided_on": date(2025, 11, 1), "fully_online": True}
    with pytest.raises(ValidationError, match="hoàn thành khóa học"):
        services.guided_person_create(student=student, **data)
    train(student, course, at(2025, 10, 1))
    entry = services.guided_person_create(student=student, **data)
    assert entry.classroom == world.classroom
    with pytest.raises(ValidationError):
        services.guided_person_create(student=student, **{**data, "relationship": "boss"})
    with pytest.raises(ValidationError, match="tương lai"):
        services.guided_person_create(student=student, **{**data, "guided_on": date(2099, 1, 1)})
    assert GuidedPerson.objects.count() == 1


def test_guided_check_keeps_the_first_checker(world, course):
    student = world.students[0]
    train(student, course, at(2025, 10, 1))
    entry = services.guided_person_create(student=student, school_year=world.year, relationship="neighbour",
                                          procedure="other", guided_on=date(2025, 11, 1), fully_online=False)
    services.guided_person_check(entry=entry, checked_by=world.teacher)
    services.guided_person_check(entry=entry, checked_by=world.school_admin)
    entry.refresh_from_db()
    assert entry.checked_by == world.teacher and entry.checked_at


def test_target_save_creates_and_edits_own_targets_only(world):
    target = services.target_save(province=world.province, share_percent=90, deadline=date(2026, 6, 30),
                                  label="Kế hoạch của tỉnh", updated_by=world.province_admin)
    services.target_save(province=world.province, target=target, share_percent=95, deadline=date(2026, 6, 30),
                         label="Sửa", updated_by=world.province_admin)
    target.refresh_from_db()
    assert target.share_percent == 95
    with pytest.raises(ValidationError, match="đã có mục tiêu"):
        services.target_save(province=world.province, share_percent=50, deadline=date(2026, 6, 30), label="x",
                             updated_by=world.province_admin)
    national = Target.objects.get(province__isnull=True, share_percent=80)
    with pytest.raises(ValidationError, match="tỉnh mình"):
        services.target_save(province=world.province, target=national, share_percent=10, deadline=date(2026, 1, 1),
                             label="x", updated_by=world.province_admin)
    with pytest.raises(ValidationError):
        services.target_save(province=world.province, share_percent=101, deadline=date(2027, 1, 1), label="x",
                             updated_by=world.province_admin)
    national.refresh_from_db()
    assert national.share_percent == 80 and Target.objects.filter(province=world.province).count() == 1


@pytest.mark.parametrize(("name", "grade", "expected"), [
    ("10A1", 10, "11A1"), ("11A2", 11, "12A2"), ("12A1", 12, None), ("10 Chuyên Tin", 10, "11 Chuyên Tin"),
    ("Lớp A", 10, "11 Lớp A"),
])
def test_promoted_name(name, grade, expected):
    assert rollover.promoted_name(name, grade) == expected


def _senior_class(world):
    senior = Classroom.objects.create(school=world.school, school_year=world.year, name="12A1", grade=12)
    return senior, make_student(senior, "Phan Văn Lớn")


def test_rollover_preview_writes_nothing(world):
    _senior_class(world)
    next_year = make_year("2026-2027", current=False)
    plan = services.rollover_plan(school=world.school, source=world.year, target=next_year)
    assert [(r.source_name, r.students, r.target_name) for r in plan] == [
        ("10A1", 3, "11A1"), ("11A2", 0, "12A2"), ("12A1", 1, None)]
    assert not Classroom.objects.filter(school_year=next_year).exists()


def test_rollover_promotes_graduates_and_keeps_the_past(world):
    _senior, graduate = _senior_class(world)
    next_year = make_year("2026-2027", current=False)
    services.school_year_rollover(school=world.school, source=world.year, target=next_year)
    promoted = Classroom.objects.get(school=world.school, school_year=next_year, name="11A1")
    assert promoted.grade == 11
    assert set(Enrollment.objects.filter(classroom=promoted).values_list("student", flat=True)) == {
        s.pk for s in world.students}
    assert not Enrollment.objects.filter(student=graduate, school_year=next_year).exists()
    assert Enrollment.objects.filter(school_year=world.year, classroom=world.classroom).count() == 3
    assert not Classroom.objects.filter(school=world.other_school, school_year=next_year).exists()


def test_rollover_is_all_or_nothing(world):
    next_year = make_year("2026-2027", current=False)
    moved_early = Classroom.objects.create(school=world.school, school_year=next_year, name="11A1", grade=11)
    Enrollment.objects.create(student=world.students[0], classroom=moved_early, school_year=next_year)
    assert services.rollover_problems(school=world.school, source=world.year, target=next_year)
    with pytest.raises(ValidationError):
        services.school_year_rollover(school=world.school, source=world.year, target=next_year)
    assert Enrollment.objects.filter(school_year=next_year).count() == 1
    assert Classroom.objects.filter(school_year=next_year).count() == 1


def test_rollover_rolls_back_when_a_write_fails(world, monkeypatch):
    """A failure half-way (here: an invalid new class) leaves the database as it was."""
    next_year = make_year("2026-2027", current=False)
    real = rollover.plan

    def broken_plan(classes, existing):
        rows = real(classes, existing)
        return [*rows, rollover.ClassPlan(0, "bad", 12, 0, "13B", False)]

    monkeypatch.setattr(rollover, "plan", broken_plan)
    with pytest.raises(ValidationError):
        services.school_year_rollover(school=world.school, source=world.year, target=next_year)
    assert not Classroom.objects.filter(school_year=next_year).exists()
    assert not Enrollment.objects.filter(school_year=next_year).exists()


def test_rollover_refuses_a_year_that_is_not_later(world):
    older = make_year("2024-2025", current=False)
    with pytest.raises(ValidationError, match="bắt đầu sau"):
        services.school_year_rollover(school=world.school, source=world.year, target=older)
