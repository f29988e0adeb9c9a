"""Coverage as of a cut-off day, indicators per group, trend, targets."""

import itertools
from datetime import date

import pytest

from coverage import selectors
from coverage.models import GuidedPerson, Target
from coverage.selectors import Scope
from schools.models import Enrollment
from tests.coverage.helpers import at, attempt, complete, rate, train
from tests.factories import make_student, make_year

pytestmark = pytest.mark.django_db


def test_coverage_counts_trained_by_the_end_of_the_cutoff_day(world, course):
    a, b, c = world.students
    train(a, course, at(2025, 10, 1))
    train(b, course, at(2025, 12, 31, 23))  # late on the cut-off day still counts
    train(c, course, at(2026, 1, 1, 0))
    scope = Scope.of(world.classroom, world.year)
    assert selectors.coverage_counts(scope, cutoff=date(2025, 9, 30)) == (3, 0)
    assert selectors.coverage_counts(scope, cutoff=date(2025, 12, 31)) == (3, 2)
    assert selectors.coverage_counts(scope, cutoff=date(2026, 1, 1)) == (3, 3)


def test_trained_once_counts_in_a_later_year_and_another_school(world, course):
    """Once trained, always trained: a student trained last year counts in this year's new class."""
    student = world.students[0]
    train(student, course, at(2025, 10, 1))
    next_year = make_year("2026-2027", current=False)
    Enrollment.objects.create(student=student, classroom=world.foreign_classroom, school_year=next_year)
    scope = Scope.of(world.other_school, next_year)
    assert selectors.coverage_counts(scope, cutoff=date(2026, 10, 1)) == (1, 1)


def test_only_enrolled_students_of_the_scope_count(world, course):
    train(world.foreign_student, course, at(2025, 10, 1))
    assert selectors.coverage_counts(Scope.of(world.school, world.year), cutoff=date(2026, 1, 1)) == (3, 0)
    assert selectors.coverage_counts(Scope.of(world.province, world.year), cutoff=date(2026, 1, 1)) == (4, 1)


def test_indicators_by_group(world, course):
    a, b, c = world.students
    lessons = list(course.lessons.order_by("order"))
    train(a, course, at(2025, 10, 1))
    complete(b, lessons[:1], at(2025, 10, 2))
    attempt(b, lessons[1], at(2025, 10, 3), 60)
    attempt(a, lessons[0], at(2025, 10, 1), 100)
    attempt(c, lessons[0], at(2026, 2, 1), 10)  # after the cut-off
    rate(a, lessons[0], 5)
    rate(b, lessons[0], 3)
    extra = make_student(world.other_classroom, "Đặng Văn Khác")
    GuidedPerson.objects.create(student=a, classroom=world.classroom, school_year=world.year, relationship="parent",
                                procedure="vneid", guided_on=date(2025, 11, 1), fully_online=True)
    rows = selectors.indicators_by(Scope.of(world.school, world.year), cutoff=date(2025, 12, 31), group="classroom")
    mine, other = rows[world.classroom.pk], rows[world.other_classroom.pk]
    assert (mine.enrolled, mine.trained, mine.participated) == (3, 1, 2)
    assert mine.lessons_completed == 4  # a: three required, b: one
    assert mine.mean_score == 80  # (100 + 60) / 2; c's later attempt excluded
    assert mine.rating_mean == 4 and mine.rating_high_share == 50
    assert (mine.guided, mine.guided_fully_online) == (1, 1)
    assert (other.enrolled, other.trained, other.participated, other.mean_score) == (1, 0, 0, None)
    assert extra.pk
    by_grade = selectors.indicators_by(Scope.of(world.school, world.year), cutoff=date(2025, 12, 31), group="grade")
    assert by_grade[10].enrolled == 3 and by_grade[11].enrolled == 1
    assert selectors.total(rows).enrolled == 4 == selectors.total(by_grade).enrolled


def test_pace_window_is_the_last_four_weeks(world, course):
    a, b, c = world.students
    train(a, course, at(2025, 10, 1))
    train(b, course, at(2025, 12, 10))
    train(c, course, at(2025, 12, 30))
    rows = selectors.indicators_by(Scope.of(world.classroom, world.year), cutoff=date(2025, 12, 31), group="classroom")
    assert rows[world.classroom.pk].trained_window_start == 1  # only a was trained by 3/12


def test_weekly_trend_is_cumulative(world, course):
    a, b, _c = world.students
    train(a, course, at(2025, 9, 8))
    train(b, course, at(2025, 9, 20))
    trend = selectors.weekly_trend(Scope.of(world.classroom, world.year), cutoff=date(2025, 9, 25))
    assert trend == [(date(2025, 9, 11), 1), (date(2025, 9, 18), 1), (date(2025, 9, 25), 2)]


def test_target_view_with_a_passed_and_a_current_target(world, course):
    a, b, c = world.students
    train(a, course, at(2025, 10, 1))
    train(b, course, at(2025, 11, 1))
    train(c, course, at(2026, 2, 1))
    scope = Scope.of(world.classroom, world.year)
    cutoff = date(2026, 3, 1)
    totals = selectors.total(selectors.indicators_by(scope, cutoff=cutoff, group="classroom"))
    view = selectors.target_view(scope, world.province, totals, cutoff=cutoff)
    (outcome,) = view.outcomes
    assert outcome.target.share_percent == 80 and not outcome.met
    assert outcome.achieved_percent == pytest.approx(200 / 3)
    assert view.current.share_percent == 100 and view.forecast.missing_students == 0


def test_province_target_replaces_the_national_one(world):
    Target.objects.create(province=world.province, share_percent=90, deadline=date(2025, 12, 31), label="Tỉnh")
    specs = selectors.target_specs(world.province)
    assert [(t.share_percent, t.deadline.year) for t in specs] == [(90, 2025), (100, 2030)]
    assert [t.share_percent for t in selectors.target_specs(world.foreign_province_admin.roles.get().province)] == [80, 100]


def test_classroom_progress_lists_what_is_missing(world, course):
    a, b, c = world.students
    lessons = list(course.lessons.filter(required=True).order_by("order"))
    train(a, course, at(2025, 10, 1))
    complete(b, lessons[:2], at(2025, 10, 2))
    grid_lessons, progress = selectors.classroom_progress(world.classroom, cutoff=date(2025, 12, 31))
    assert grid_lessons == lessons
    by_student = {p.student.pk: p for p in progress}
    assert by_student[a.pk].trained_at and by_student[a.pk].missing == []
    assert by_student[b.pk].missing == lessons[2:]
    assert by_student[c.pk].missing == lessons
    assert [p.student.name_sort for p in progress] == sorted(p.student.name_sort for p in progress)


def _live_contest(world, finished_at, players):
    from contests.models import Contest, Player

    contest = Contest.objects.create(
        title="Rung chuông vàng DVCTT", owner=world.teacher, school=world.school, access="classes",
        play_mode="individual", time_limit_s=20, pin="123456", phase="finished", changed_at=finished_at,
        finished_at=finished_at,
    )
    for n, student in enumerate(players):
        Player.objects.create(contest=contest, user=student, nickname=f"Cú {n}", token=f"t{contest.pk}-{n}", seed="1",
                              joined_at=finished_at)
    return contest


def test_contest_participants_and_contests_held(world):
    a, b, _c = world.students
    _live_contest(world, at(2025, 11, 20), [a, b, world.foreign_student])
    _live_contest(world, at(2025, 8, 1), [_c])  # last school year: not counted
    scope = Scope.of(world.school, world.year)
    rows = selectors.indicators_by(scope, cutoff=date(2025, 12, 31), group="classroom")
    assert rows[world.classroom.pk].contest_participants == 2
    assert selectors.contests_held(scope, cutoff=date(2025, 12, 31)) == selectors.ContestsHeld(live=1, online=0)
    assert selectors.contests_held(scope, cutoff=date(2025, 11, 19)).live == 0
    assert selectors.contests_held(Scope.of(world.classroom, world.year), cutoff=date(2025, 12, 31)) is None


_pools = itertools.count()


def _online_contest(world, when):
    from tests.online_contests.factories import make_contest, make_pool

    pool = make_pool(6, key=f"oc-{next(_pools)}")
    return make_contest(world, now=when, pools={pool: 3})


def _online_attempt(world, student, when):
    from online_contests import services as online_services

    return online_services.attempt_start(contest=_online_contest(world, when), student=student, now=when)


def test_a_student_who_only_played_a_contest_participates(world, course):
    """Participation is having started a lesson or taken part in a contest; a contest counts from its finish."""
    a, b, c = world.students
    _live_contest(world, at(2025, 11, 20), [a, world.foreign_student])
    _online_attempt(world, b, at(2025, 11, 25))
    attempt(c, course.lessons.first(), at(2025, 10, 1), 50)
    scope = Scope.of(world.school, world.year)
    before = selectors.indicators_by(scope, cutoff=date(2025, 11, 19), group="classroom")[world.classroom.pk]
    after = selectors.indicators_by(scope, cutoff=date(2025, 12, 31), group="classroom")[world.classroom.pk]
    assert (before.participated, before.contest_participants) == (1, 0)
    assert (after.participated, after.contest_participants) == (3, 2)
    foreign = selectors.indicators_by(Scope.of(world.other_school, world.year), cutoff=date(2025, 12, 31),
                                      group="school")
    assert foreign[world.other_school.pk].participated == 1  # the foreign student's own school counts them


def test_a_student_who_practised_and_played_counts_once(world, course):
    a = world.students[0]
    attempt(a, course.lessons.first(), at(2025, 10, 1), 50)
    _live_contest(world, at(2025, 11, 20), [a])
    _online_attempt(world, a, at(2025, 11, 25))
    totals = selectors.total(selectors.indicators_by(Scope.of(world.school, world.year), cutoff=date(2025, 12, 31),
                                                     group="classroom"))
    assert (totals.participated, totals.contest_participants) == (1, 1)


def test_a_contest_of_last_year_makes_a_participant_but_not_this_years_contest_player(world):
    a = world.students[0]
    _live_contest(world, at(2025, 8, 1), [a])
    totals = selectors.total(selectors.indicators_by(Scope.of(world.school, world.year), cutoff=date(2025, 12, 31),
                                                     group="classroom"))
    assert (totals.participated, totals.contest_participants) == (1, 0)


def test_an_online_contest_of_another_school_is_not_held_by_this_one(world):
    contest = _online_contest(world, at(2025, 11, 10))
    contest.schools.set([world.other_school])
    assert selectors.contests_held(Scope.of(world.school, world.year), cutoff=date(2025, 12, 31)).online == 0
    assert selectors.contests_held(Scope.of(world.other_school, world.year), cutoff=date(2025, 12, 31)).online == 1
