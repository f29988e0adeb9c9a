"""Ranking rules: order of criteria, shared ranks, prize-tier filling and school participation."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from online_contests.ranking import (
    Entry,
    SchoolEntry,
    participation_share,
    rank_entries,
    rank_schools,
    share_percent,
    tier_for_rank,
)

T0 = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
TIERS = [("first", 1), ("second", 2), ("third", 3), ("consolation", 4)]


def entry(key, score, seconds, finished_offset=0, estimate=None):
    return Entry(key, score, timedelta(seconds=seconds), T0 + timedelta(seconds=finished_offset), estimate)


def ranks(placed):
    return [(p.entry.key, p.rank) for p in placed]


def test_higher_score_ranks_first():
    placed = rank_entries([entry("a", 5, 100), entry("b", 7, 300)])
    assert ranks(placed) == [("b", 1), ("a", 2)]


def test_equal_score_shorter_time_ranks_first():
    placed = rank_entries([entry("a", 5, 300), entry("b", 5, 200)])
    assert ranks(placed) == [("b", 1), ("a", 2)]


def test_equal_score_and_time_closer_estimate_ranks_first():
    placed = rank_entries([entry("a", 5, 200, estimate=90), entry("b", 5, 200, estimate=105)], tiebreak_target=100)
    assert ranks(placed) == [("b", 1), ("a", 2)]


def test_estimate_ignored_without_tiebreak_question():
    placed = rank_entries([entry("a", 5, 200, 10, estimate=100), entry("b", 5, 200, 20, estimate=1)])
    assert ranks(placed) == [("a", 1), ("b", 2)]


def test_missing_estimate_ranks_after_any_estimate():
    placed = rank_entries([entry("a", 5, 200, 0), entry("b", 5, 200, 50, estimate=10_000)], tiebreak_target=3)
    assert ranks(placed) == [("b", 1), ("a", 2)]


def test_estimates_equally_close_fall_back_to_earlier_submission():
    placed = rank_entries(
        [entry("a", 5, 200, 30, estimate=110), entry("b", 5, 200, 10, estimate=90)], tiebreak_target=100
    )
    assert ranks(placed) == [("b", 1), ("a", 2)]


def test_earlier_submission_breaks_remaining_tie():
    placed = rank_entries([entry("a", 5, 200, 30), entry("b", 5, 200, 10)])
    assert ranks(placed) == [("b", 1), ("a", 2)]


def test_entries_equal_on_everything_share_a_rank_and_next_rank_skips():
    placed = rank_entries([entry("a", 9, 60), entry("b", 9, 60), entry("c", 9, 60), entry("d", 8, 60)])
    assert [p.rank for p in placed] == [1, 1, 1, 4]


def test_score_outranks_time_and_time_outranks_estimate():
    placed = rank_entries(
        [entry("slow", 6, 900, estimate=100), entry("fast", 5, 10, estimate=100), entry("guess", 6, 800, estimate=0)],
        tiebreak_target=100,
    )
    assert [p.entry.key for p in placed] == ["guess", "slow", "fast"]


def test_duplicate_keys_are_rejected():
    with pytest.raises(ValueError):
        rank_entries([entry("a", 1, 1), entry("a", 2, 2)])


@pytest.mark.parametrize(
    ("rank", "tier"),
    [(1, "first"), (2, "second"), (3, "second"), (4, "third"), (6, "third"), (7, "consolation"), (10, "consolation"),
     (11, "")],
)
def test_tier_for_rank_covers_places_in_order(rank, tier):
    assert tier_for_rank(rank, TIERS) == tier


def test_tiers_with_no_prizes_are_skipped():
    tiers = [("first", 0), ("second", 2), ("third", 0), ("consolation", 1)]
    assert [tier_for_rank(r, tiers) for r in (1, 2, 3, 4)] == ["second", "second", "consolation", ""]


def test_tier_for_rank_rejects_bad_input():
    with pytest.raises(ValueError):
        tier_for_rank(0, TIERS)
    with pytest.raises(ValueError):
        tier_for_rank(1, [("first", -1)])


def test_tie_on_last_place_of_a_tier_gives_everyone_that_tier_and_shifts_the_rest():
    entries = [entry("a", 10, 60), entry("b", 10, 60), entry("c", 9, 60), entry("d", 8, 60), entry("e", 7, 60)]
    placed = rank_entries(entries, tiers=[("first", 1), ("second", 2), ("third", 1)])
    assert [(p.entry.key, p.rank, p.prize) for p in placed] == [
        ("a", 1, "first"), ("b", 1, "first"), ("c", 3, "second"), ("d", 4, "third"), ("e", 5, ""),
    ]


def test_tie_straddling_the_last_prize_place_gives_all_tied_the_prize():
    entries = [entry("a", 10, 60), entry("b", 9, 60), entry("c", 9, 60), entry("d", 8, 60)]
    placed = rank_entries(entries, tiers=[("first", 1), ("consolation", 1)])
    assert [p.prize for p in placed] == ["first", "consolation", "consolation", ""]


def test_zero_score_never_wins_a_prize():
    placed = rank_entries([entry("a", 0, 5), entry("b", 0, 6)], tiers=TIERS)
    assert [p.prize for p in placed] == ["", ""]


def test_no_entries_no_ranking():
    assert rank_entries([], tiers=TIERS) == []


entries_strategy = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 20))),
    max_size=25,
)


@given(entries_strategy, st.lists(st.integers(0, 4), min_size=4, max_size=4), st.one_of(st.none(), st.integers(0, 20)))
def test_ranking_properties(raw, counts, target):
    entries = [entry(i, s, t, f, e) for i, (s, t, f, e) in enumerate(raw)]
    tiers = list(zip(["first", "second", "third", "consolation"], counts, strict=True))
    placed = rank_entries(entries, tiers=tiers, tiebreak_target=target)
    assert sorted(p.entry.key for p in placed) == list(range(len(entries)))
    for index, p in enumerate(placed):
        # A rank is one more than the number of entries strictly better.
        better = [q for q in placed if q.rank < p.rank]
        assert p.rank == len(better) + 1
        assert p.rank <= index + 1
        if index:
            previous = placed[index - 1]
            assert (previous.entry.score, -previous.entry.time_used.total_seconds()) >= (
                p.entry.score, -p.entry.time_used.total_seconds()
            )
    # Prizes go down the ranking, tier by tier, and only tied entries exceed a tier's count.
    order = {"first": 0, "second": 1, "third": 2, "consolation": 3, "": 4}
    levels = [order[p.prize] for p in placed if p.entry.score > 0]
    assert levels == sorted(levels)
    winners = [p for p in placed if p.prize]
    if winners:
        last_rank = max(p.rank for p in winners)
        assert len([p for p in winners if p.rank < last_rank]) < sum(counts)
    for p in placed:
        tied = [q for q in placed if q.rank == p.rank]
        assert len({q.prize for q in tied if q.entry.score > 0}) <= 1


def test_school_share_ranks_first_then_number_taking_part():
    schools = [SchoolEntry("a", 100, 50), SchoolEntry("b", 10, 9), SchoolEntry("c", 200, 100), SchoolEntry("d", 0, 0)]
    placed = rank_schools(schools, award_count=2)
    assert [(p.entry.key, p.rank, p.awarded) for p in placed] == [
        ("b", 1, True), ("c", 2, True), ("a", 3, False), ("d", 4, False),
    ]
    assert placed[0].share == Fraction(9, 10)


def test_schools_equal_on_share_and_count_share_a_rank_and_the_award():
    placed = rank_schools([SchoolEntry("a", 10, 5), SchoolEntry("b", 10, 5), SchoolEntry("c", 10, 4)], award_count=1)
    assert [(p.rank, p.awarded) for p in placed] == [(1, True), (1, True), (3, False)]


def test_school_with_nobody_taking_part_is_never_awarded():
    placed = rank_schools([SchoolEntry("a", 10, 0)], award_count=3)
    assert placed[0].awarded is False


def test_participation_share_and_percent():
    assert participation_share(0, 0) == 0
    assert share_percent(2, 3) == Decimal("66.7")
    assert share_percent(1, 8) == Decimal("12.5")
    assert share_percent(1, 16) == Decimal("6.3")
    with pytest.raises(ValueError):
        participation_share(-1, 3)
    with pytest.raises(ValueError):
        rank_schools([], award_count=-1)
