"""Targets, pace and forecasts as pure functions over plain numbers and dates.

No database and no clock: callers pass counts and ``today``.

- coverage share = trained / enrolled, in percent (0 when nobody is enrolled);
- a target of p% over n enrolled students needs ceil(n·p/100) trained students;
- pace = students trained per week over the last ``PACE_WEEKS`` weeks;
- forecast = the day the target is reached at that pace (None if never);
- needed pace = students per week still needed to reach it by its deadline.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

PACE_WEEKS = 4


@dataclass(frozen=True)
class TargetSpec:
    share_percent: int
    deadline: date
    label: str = ""


@dataclass(frozen=True)
class TargetOutcome:
    """A target whose deadline has passed: met or not, and by how many percentage points."""

    target: TargetSpec
    achieved_percent: float
    met: bool
    margin_points: float


@dataclass(frozen=True)
class Forecast:
    target: TargetSpec | None
    needed_students: int
    missing_students: int
    pace_per_week: float
    reaches_on: date | None
    needed_pace_per_week: float | None
    on_track: bool


def share_percent(trained: int, enrolled: int) -> float:
    if enrolled <= 0:
        return 0.0
    return 100.0 * trained / enrolled


def students_needed(enrolled: int, share: int) -> int:
    """Trained students needed for ``share`` percent of ``enrolled`` (rounded up: 80% of 41 is 33)."""
    return (enrolled * share + 99) // 100


def weekly_pace(trained_in_window: int, weeks: int = PACE_WEEKS) -> float:
    if weeks <= 0:
        raise ValueError("weeks must be positive")
    return max(trained_in_window, 0) / weeks


def reach_date(*, trained: int, needed: int, pace_per_week: float, today: date) -> date | None:
    """The day ``needed`` is reached at ``pace_per_week``: today if already reached, None at zero pace."""
    missing = needed - trained
    if missing <= 0:
        return today
    if pace_per_week <= 0:
        return None
    return today + timedelta(days=math.ceil(missing / pace_per_week * 7))


def needed_pace(*, trained: int, needed: int, today: date, deadline: date) -> float | None:
    """Students per week still needed to reach ``needed`` by ``deadline``; None once the deadline is passed."""
    missing = needed - trained
    if missing <= 0:
        return 0.0
    days_left = (deadline - today).days
    if days_left <= 0:
        return None
    return missing / (days_left / 7)


def merge_targets(national: Iterable[TargetSpec], provincial: Iterable[TargetSpec]) -> list[TargetSpec]:
    """The targets that apply to a province, by deadline: its own replace the national one of the same day."""
    by_deadline = {t.deadline: t for t in national}
    by_deadline.update({t.deadline: t for t in provincial})
    return [by_deadline[d] for d in sorted(by_deadline)]


def current_target(targets: Iterable[TargetSpec], today: date) -> TargetSpec | None:
    """The first target whose deadline is today or later: a passed deadline hands over to the next one."""
    upcoming = sorted((t for t in targets if t.deadline >= today), key=lambda t: t.deadline)
    return upcoming[0] if upcoming else None


def passed_targets(targets: Iterable[TargetSpec], today: date) -> list[TargetSpec]:
    return sorted((t for t in targets if t.deadline < today), key=lambda t: t.deadline)


def target_outcome(target: TargetSpec, *, trained: int, enrolled: int) -> TargetOutcome:
    """Judge a passed target from the figures as of its deadline."""
    achieved = share_percent(trained, enrolled)
    met = enrolled > 0 and trained >= students_needed(enrolled, target.share_percent)
    return TargetOutcome(target, achieved, met, achieved - target.share_percent)


def forecast(
    *, trained: int, trained_window_start: int, enrolled: int, target: TargetSpec | None, today: date,
    weeks: int = PACE_WEEKS,
) -> Forecast:
    """Pace over the last ``weeks`` weeks, the day ``target`` is reached at that pace, and the pace it needs.

    ``trained_window_start`` is how many of the same students were already
    trained ``weeks`` weeks before ``today``.
    """
    pace = weekly_pace(trained - trained_window_start, weeks)
    if target is None:
        return Forecast(None, 0, 0, pace, None, None, False)
    needed = students_needed(enrolled, target.share_percent)
    reaches_on = reach_date(trained=trained, needed=needed, pace_per_week=pace, today=today)
    return Forecast(
        target=target,
        needed_students=needed,
        missing_students=max(needed - trained, 0),
        pace_per_week=pace,
        reaches_on=reaches_on,
        needed_pace_per_week=needed_pace(trained=trained, needed=needed, today=today, deadline=target.deadline),
        on_track=reaches_on is not None and reaches_on <= target.deadline,
    )
