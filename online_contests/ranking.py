"""Ranking rules for online contests, as pure functions over plain data.

Individual ranking, best first:

1. higher score;
2. shorter time used;
3. when the contest has a tie-break question, the estimate closer to the real
   number of participants (no estimate ranks after any estimate);
4. earlier finish (submission) time.

Entries equal on every criterion share a rank, and the next rank skips
("1, 2, 2, 4": standard competition ranking), so a rank is always one more
than the number of entries strictly better.

Prize tiers are filled by rank: with counts (Nhất 1, Nhì 3, …) tier *i*
covers the places after the earlier tiers' total, up to and including its
own (places 1, then 2–4, …). An entry gets the tier whose places contain its
rank, so a tie on the last place of a tier gives every tied entry that tier
and the entries after them slide down by the same number of places; the total
of prizes grows only by such ties at the very last place. A score of zero
never wins a prize.

School participation ranking: share of the enrolled students in scope who
took part (higher first), then the number who took part; ties share a rank.
The first ``award_count`` places (by the same place rule) are awarded, if at
least one student of the school took part.
"""

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """One finished attempt as ranking sees it."""

    key: Hashable
    score: int
    time_used: timedelta
    finished_at: datetime
    estimate: int | None = None


@dataclass(frozen=True)
class Placed:
    entry: Entry
    rank: int
    prize: str = ""


@dataclass(frozen=True)
class SchoolEntry:
    key: Hashable
    enrolled: int
    participants: int


@dataclass(frozen=True)
class PlacedSchool:
    entry: SchoolEntry
    rank: int
    share: Fraction
    awarded: bool


def _competition_ranks(items: Sequence[T], sort_key: Callable[[T], tuple]) -> list[tuple[T, int]]:
    """Sort ``items`` by ``sort_key``; equal keys share the rank 1 + (number strictly before)."""
    ordered = sorted(items, key=sort_key)
    result: list[tuple[T, int]] = []
    previous = None
    rank = 0
    for index, item in enumerate(ordered):
        key = sort_key(item)
        if index == 0 or key != previous:
            rank = index + 1
            previous = key
        result.append((item, rank))
    return result


def entry_sort_key(entry: Entry, tiebreak_target: int | None) -> tuple:
    """The ordering key of an entry: smaller is better."""
    if tiebreak_target is None:
        closeness: tuple = ()
    elif entry.estimate is None:
        closeness = (1, 0)
    else:
        closeness = (0, abs(entry.estimate - tiebreak_target))
    return (-entry.score, entry.time_used, closeness, entry.finished_at)


def tier_for_rank(rank: int, tiers: Sequence[tuple[str, int]]) -> str:
    """The tier whose places contain ``rank`` ("" when none does)."""
    if rank < 1:
        raise ValueError(f"Ranks start at 1, got {rank}.")
    last_place = 0
    for name, count in tiers:
        if count < 0:
            raise ValueError(f"Tier {name!r} has a negative count.")
        if last_place < rank <= last_place + count:
            return name
        last_place += count
    return ""


def rank_entries(
    entries: Iterable[Entry], *, tiers: Sequence[tuple[str, int]] = (), tiebreak_target: int | None = None
) -> list[Placed]:
    """Rank ``entries`` best first and fill the prize ``tiers`` (name, count), best tier first."""
    entries = list(entries)
    keys = [entry.key for entry in entries]
    if len(set(keys)) != len(keys):
        raise ValueError("Entry keys must be distinct.")
    ranked = _competition_ranks(entries, lambda entry: entry_sort_key(entry, tiebreak_target))
    return [
        Placed(entry, rank, tier_for_rank(rank, tiers) if entry.score > 0 else "")
        for entry, rank in ranked
    ]


def participation_share(participants: int, enrolled: int) -> Fraction:
    """Share of enrolled students who took part (0 for a school with no one enrolled)."""
    if participants < 0 or enrolled < 0:
        raise ValueError("Counts cannot be negative.")
    return Fraction(participants, enrolled) if enrolled else Fraction(0)


def share_percent(participants: int, enrolled: int) -> Decimal:
    """The share as a percentage with one decimal, rounded half up (2/3 → 66.7)."""
    share = participation_share(participants, enrolled) * 100
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rank_schools(entries: Iterable[SchoolEntry], *, award_count: int = 0) -> list[PlacedSchool]:
    """Rank schools by participation share, then by number of participants; award the first places."""
    if award_count < 0:
        raise ValueError("The number of awards cannot be negative.")
    entries = list(entries)
    ranked = _competition_ranks(
        entries, lambda e: (-participation_share(e.participants, e.enrolled), -e.participants)
    )
    return [
        PlacedSchool(
            entry, rank, participation_share(entry.participants, entry.enrolled),
            awarded=entry.participants > 0 and rank <= award_count,
        )
        for entry, rank in ranked
    ]
