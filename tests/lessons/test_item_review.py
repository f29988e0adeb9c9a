"""The review flags, threshold by threshold (lessons.item_review is pure: no database)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.item_review import Flag, ItemFigures, OptionFigures, Thresholds, group_size, item_flags

T = Thresholds(facility_max=0.95, facility_min=0.2, discrimination_min=0.1, min_answers=30)


def figures(answers=100, correct=60, upper=(27, 24), lower=(27, 8), options=()):
    return ItemFigures(
        answers=answers, correct=correct, upper_answers=upper[0], upper_correct=upper[1],
        lower_answers=lower[0], lower_correct=lower[1], options=options,
    )


def opts(*rows):
    return tuple(OptionFigures(key=k, is_correct=c, count=n, upper=u, lower=lo) for k, c, n, u, lo in rows)


GOOD_OPTIONS = opts(("a", True, 60, 24, 8), ("b", False, 25, 2, 12), ("c", False, 15, 1, 7))


def test_a_working_item_has_no_flag():
    assert item_flags(figures(options=GOOD_OPTIONS), T) == []


@pytest.mark.parametrize(("correct", "flag"), [(96, Flag.TOO_EASY), (19, Flag.TOO_HARD)])
def test_facility_outside_the_band_flags(correct, flag):
    assert flag in item_flags(figures(correct=correct, upper=(27, 27), lower=(27, 20)), T)


@pytest.mark.parametrize("correct", [95, 20, 50])
def test_facility_on_or_inside_the_limits_does_not_flag(correct):
    flags = item_flags(figures(correct=correct), T)
    assert Flag.TOO_EASY not in flags and Flag.TOO_HARD not in flags


def test_low_discrimination_flags_below_the_threshold_only():
    assert Flag.LOW_DISCRIMINATION in item_flags(figures(upper=(27, 15), lower=(27, 14)), T)  # 0.037
    assert Flag.LOW_DISCRIMINATION in item_flags(figures(upper=(27, 10), lower=(27, 14)), T)  # negative
    assert Flag.LOW_DISCRIMINATION not in item_flags(figures(upper=(20, 12), lower=(20, 10)), T)  # exactly 0.1


def test_no_groups_means_no_discrimination_flag():
    item = figures(upper=(0, 0), lower=(0, 0))
    assert item.discrimination is None
    assert Flag.LOW_DISCRIMINATION not in item_flags(item, T)


def test_a_distractor_nobody_picks_flags():
    options = opts(("a", True, 70, 24, 8), ("b", False, 30, 3, 19), ("c", False, 0, 0, 0))
    assert item_flags(figures(correct=70, options=options), T) == [Flag.UNUSED_DISTRACTOR]


def test_a_key_nobody_picks_is_not_an_unused_distractor():
    options = opts(("a", True, 0, 0, 0), ("b", False, 100, 27, 27))
    assert Flag.UNUSED_DISTRACTOR not in item_flags(figures(correct=0, upper=(27, 0), lower=(27, 0), options=options), T)


def test_a_distractor_the_upper_group_prefers_to_the_key_flags():
    options = opts(("a", True, 40, 10, 9), ("b", False, 45, 13, 10), ("c", False, 15, 4, 8))
    assert Flag.DISTRACTOR_BEATS_KEY in item_flags(figures(correct=40, upper=(27, 10), lower=(27, 9), options=options), T)


def test_a_distractor_level_with_the_key_in_the_upper_group_does_not_flag():
    options = opts(("a", True, 40, 12, 5), ("b", False, 45, 12, 15), ("c", False, 15, 3, 7))
    assert Flag.DISTRACTOR_BEATS_KEY not in item_flags(figures(correct=40, options=options), T)


def test_with_several_keys_the_least_picked_key_is_the_bar():
    options = opts(("a", True, 60, 20, 8), ("b", True, 50, 9, 10), ("c", False, 30, 10, 12))
    assert Flag.DISTRACTOR_BEATS_KEY in item_flags(figures(options=options), T)


def test_below_the_minimum_number_of_answers_nothing_is_flagged():
    item = figures(answers=29, correct=29, upper=(8, 8), lower=(8, 8), options=opts(("a", True, 29, 8, 8),
                                                                                   ("b", False, 0, 0, 0)))
    assert item_flags(item, T) == []
    assert item_flags(item, Thresholds(min_answers=29)) == [
        Flag.TOO_EASY, Flag.LOW_DISCRIMINATION, Flag.UNUSED_DISTRACTOR,
    ]


def test_thresholds_are_parameters():
    item = figures(correct=90, upper=(27, 27), lower=(27, 22))
    assert item_flags(item, T) == []
    assert item_flags(item, Thresholds(facility_max=0.85, discrimination_min=0.3, min_answers=1)) == [
        Flag.TOO_EASY, Flag.LOW_DISCRIMINATION,
    ]


def test_no_answers_at_all_never_flags():
    assert item_flags(ItemFigures(answers=0, correct=0), Thresholds(min_answers=0)) == []


@given(st.integers(min_value=0, max_value=100_000))
def test_group_size_is_27_percent_rounded_half_up_and_never_overlaps(n):
    assert group_size(n) == int(Fraction(27 * n, 100) + Fraction(1, 2))
    assert 2 * group_size(n) <= n


@given(
    st.integers(1, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n))),
    st.integers(0, 50), st.integers(0, 50),
)
def test_facility_and_discrimination_stay_in_range(answers_correct, upper_n, lower_n):
    answers, correct = answers_correct
    item = ItemFigures(answers=answers, correct=correct, upper_answers=upper_n, upper_correct=upper_n,
                       lower_answers=lower_n, lower_correct=0)
    assert 0 <= item.facility <= 1
    assert item.discrimination is None or -1 <= item.discrimination <= 1
