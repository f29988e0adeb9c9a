"""Gain figures equal an independent recomputation over the stored checks; query counts stay flat."""

import random
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coverage.selectors import Scope
from evidence import rules, selectors
from evidence.models import LearningCheck
from schools import services as school_services
from schools.models import Enrollment
from tests.coverage.helpers import at
from tests.evidence.factories import write_check
from tests.factories import make_student

CUTOFF = date(2025, 12, 31)


@pytest.fixture
def generated(world):
    """Class 10A1: 14 students with random checks; 11A2: 5 (below the minimum); a school elsewhere: 11.

    Some students have only an entry check, some skipped, and some exit checks come after the cut-off.
    """
    rng = random.Random(16)
    sizes = {world.classroom: 14, world.other_classroom: 5, world.foreign_classroom: 11}
    for classroom, size in sizes.items():
        present = Enrollment.objects.filter(classroom=classroom).count()
        for i in range(size - present):
            make_student(classroom, f"Học Sinh {classroom.name} {i}")
    for enrollment in Enrollment.objects.select_related("student"):
        roll = rng.random()
        levels = {key: rng.randint(1, 3) for key in rules.ITEM_KEYS}
        if roll < 0.1:
            write_check(enrollment.student, "entry", percent=None, when=at(2025, 9, 10), skipped=True)
            continue
        write_check(enrollment.student, "entry", percent=rng.randint(0, 70), when=at(2025, 9, 10), levels=levels)
        if roll < 0.2:
            continue  # entry only
        after = {key: min(4, value + rng.randint(0, 2)) for key, value in levels.items()}
        when = at(2026, 1, 10) if roll < 0.28 else at(2025, 12, 31, 23)  # the first is after the cut-off
        write_check(enrollment.student, "exit", percent=rng.randint(40, 100), when=when, levels=after)
    return world


def recompute(classroom_ids, end):
    """Plain Python over every row: students of the classes, their checks submitted before ``end``."""
    students = set(Enrollment.objects.filter(classroom_id__in=classroom_ids).values_list("student_id", flat=True))
    checks = {(c.student_id, c.kind): c for c in LearningCheck.objects.all()
              if c.submitted_at is not None and c.submitted_at < end and c.student_id in students}
    pairs = [s for s in students if (s, "entry") in checks and (s, "exit") in checks]
    result = {
        "pairs": len(pairs),
        "entries": sum((s, "entry") in checks for s in students),
        "exits": sum((s, "exit") in checks for s in students),
        "entry_sum": sum(checks[(s, "entry")].percent for s in pairs),
        "exit_sum": sum(checks[(s, "exit")].percent for s in pairs),
    }
    for key in rules.ITEM_KEYS:
        result[f"before_{key}"] = sum(checks[(s, "entry")].self_assessment[key] == 4 for s in pairs)
        result[f"after_{key}"] = sum(checks[(s, "exit")].self_assessment[key] == 4 for s in pairs)
    return result


def as_dict(gain):
    result = {name: getattr(gain, name) for name in ("pairs", "entries", "exits", "entry_sum", "exit_sum")}
    for key in rules.ITEM_KEYS:
        result[f"before_{key}"] = gain.can_before.get(key, 0)
        result[f"after_{key}"] = gain.can_after.get(key, 0)
    return result


def test_gain_by_class_school_and_province_equals_recomputation(generated):
    from coverage.selectors import day_end

    world, end = generated, day_end(CUTOFF)
    by_class = selectors.gain_by(Scope.of(world.school, world.year), cutoff=CUTOFF, group="classroom")
    for classroom in (world.classroom, world.other_classroom):
        assert as_dict(by_class[classroom.pk]) == recompute([classroom.pk], end)
    school_total = selectors.gain_total(by_class)
    assert as_dict(school_total) == recompute([world.classroom.pk, world.other_classroom.pk], end)
    by_school = selectors.gain_by(Scope.of(world.province, world.year), cutoff=CUTOFF, group="school")
    assert as_dict(by_school[world.school.pk]) == as_dict(school_total)
    assert as_dict(by_school[world.other_school.pk]) == recompute([world.foreign_classroom.pk], end)
    only_class = selectors.gain_by(Scope.of(world.classroom, world.year), cutoff=CUTOFF, group="classroom")
    assert as_dict(only_class[world.classroom.pk]) == recompute([world.classroom.pk], end)


def test_minimum_group_hides_figures_but_not_the_denominator(generated, settings):
    world = generated
    by_class = selectors.gain_by(Scope.of(world.school, world.year), cutoff=CUTOFF, group="classroom")
    small = by_class[world.other_classroom.pk]
    assert 0 < small.pairs < 10
    assert not small.enough and small.mean_before is None and small.mean_gain is None
    assert all(share.before is None and share.after is None for share in small.items)
    big = by_class[world.classroom.pk]
    assert big.enough and big.pairs >= 10
    assert big.mean_before == pytest.approx(big.entry_sum / big.pairs)
    assert big.mean_gain == pytest.approx((big.exit_sum - big.entry_sum) / big.pairs)
    first = big.items[0]
    assert first.after == pytest.approx(100 * big.can_after["online"] / big.pairs)
    settings.EVIDENCE_MIN_GROUP = 3
    lowered = selectors.gain_by(Scope.of(world.school, world.year), cutoff=CUTOFF, group="classroom")
    assert lowered[world.other_classroom.pk].enough


def test_a_student_with_only_an_entry_check_counts_as_an_entry_not_a_pair(world):
    student = world.students[0]
    write_check(student, "entry", percent=30, when=at(2025, 9, 10))
    gain = selectors.gain_by(Scope.of(world.classroom, world.year), cutoff=CUTOFF, group="classroom")
    row = gain[world.classroom.pk]
    assert (row.entries, row.exits, row.pairs, row.entry_sum) == (1, 0, 0, 0)


def test_earlier_cutoff_leaves_out_later_checks(world):
    student = world.students[0]
    write_check(student, "entry", percent=30, when=at(2025, 9, 10))
    write_check(student, "exit", percent=90, when=at(2025, 11, 2))
    scope = Scope.of(world.classroom, world.year)
    assert selectors.gain_by(scope, cutoff=date(2025, 11, 1), group="classroom")[world.classroom.pk].pairs == 0
    assert selectors.gain_by(scope, cutoff=date(2025, 11, 2), group="classroom")[world.classroom.pk].pairs == 1


def test_gain_query_count_does_not_grow_with_size(world):
    scope = Scope.of(world.province, world.year)
    with CaptureQueriesContext(connection) as small:
        selectors.gain_by(scope, cutoff=CUTOFF, group="school")
    classroom = school_services.classroom_create(school=world.other_school, school_year=world.year, name="12C9")
    for i in range(6):
        student = make_student(classroom, f"Học Sinh Thêm {i}")
        write_check(student, "entry", percent=10, when=at(2025, 9, 10))
        write_check(student, "exit", percent=80, when=at(2025, 10, 10))
    with CaptureQueriesContext(connection) as large:
        selectors.gain_by(scope, cutoff=CUTOFF, group="school")
    assert len(small) == len(large) == 1
