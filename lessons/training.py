"""When a student became trained: the rule, as plain functions over plain data.

A lesson is *done* at its first done moment: the earliest of its online completion,
a passing practice, or an in-person session the student attended (at noon on the
session's date). A student is trained at the latest, over the course's required
lessons, of each one's first done moment: records may arrive later and be
back-dated, so the moment is computed from what was done, never taken from the
record that happened to arrive last.

Once trained, always trained. The course may be revised (a version that makes
more lessons, or their simulations, required): a trained student keeps their
training, and the stored moment only ever moves earlier, when a back-dated record
shows a lesson was done sooner. ``trained_moment_corrected`` is the one exception:
it corrects moments stored before this rule, which were too early.
"""

from collections.abc import Collection, Iterable, Mapping
from datetime import date, datetime, time, tzinfo
from typing import TypeVar

LessonKey = TypeVar("LessonKey")

SESSION_HOUR = time(12)


def session_moment(held_on: date, tz: tzinfo) -> datetime:
    """The moment an in-person session counts as done: noon of its date in the school's time zone."""
    return datetime.combine(held_on, SESSION_HOUR, tzinfo=tz)


def first_done(moments: Iterable[datetime | None]) -> datetime | None:
    """The earliest of a lesson's done moments (None when it was never done)."""
    return min((m for m in moments if m is not None), default=None)


def trained_moment(first_done_at: Mapping[LessonKey, datetime], required: Collection[LessonKey]) -> datetime | None:
    """The latest first done moment over the required lessons; None while one of them is not done
    (or when nothing is required: a course without required lessons trains nobody)."""
    if not required or any(lesson not in first_done_at for lesson in required):
        return None
    return max(first_done_at[lesson] for lesson in required)


def trained_moment_kept(
    *, stored: datetime | None, first_done_at: Mapping[LessonKey, datetime], required: Collection[LessonKey]
) -> datetime | None:
    """The moment to keep, given the one stored: never un-train, never later.

    A trained student's moment is recomputed over the required lessons they had done
    by the stored moment, so a back-dated record moves it earlier, while a lesson
    made required after they were trained (and done later, or never) changes nothing.
    """
    if stored is None:
        return trained_moment(first_done_at, required)
    by_then = [first_done_at[lesson] for lesson in required if lesson in first_done_at
               and first_done_at[lesson] <= stored]
    return max(by_then, default=stored)


def trained_moment_corrected(
    *,
    stored: datetime | None,
    first_done_at: Mapping[LessonKey, datetime],
    arrived_at: Mapping[LessonKey, datetime],
    required: Collection[LessonKey],
) -> datetime | None:
    """Correct a moment stored by the earlier rule, which took the time of the record that completed the set.

    That record may have been back-dated, so the moment could be too early. The rule
    is applied over the required lessons whose record had arrived (``arrived_at``: when
    its first record was entered) by the time the student was marked trained, which is
    when the record dated ``stored`` arrived: a lesson done only later (required by a
    revision of the course) neither un-trains them nor moves the moment later.
    """
    if stored is None:
        return trained_moment(first_done_at, required)
    marked = max((arrived_at[lesson] for lesson in required if lesson in first_done_at
                  and first_done_at[lesson] == stored and lesson in arrived_at), default=stored)
    basis = [first_done_at[lesson] for lesson in required if lesson in first_done_at
             and arrived_at.get(lesson, first_done_at[lesson]) <= marked]
    return max(basis, default=stored)
