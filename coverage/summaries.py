"""Writes to ``StudentSummary``: one small update per learning event, and a rebuild from the records.

The lessons services call these inside their own transaction, so a summary
changes exactly when the record it copies does. This module imports only
models: ``coverage.services`` imports the lessons and certificates services,
which would make a cycle if the lessons services imported it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Count, DateTimeField, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least

from coverage.models import StudentSummary
from lessons.models import CourseCompletion, LessonCompletion, LessonRating, PracticeAttempt
from schools.models import User

HIGH_STARS = 4
BATCH = 5000


def _moment(at: datetime) -> Value:
    return Value(at, output_field=DateTimeField())


def _earliest(field: str, at: datetime) -> Least:
    return Least(Coalesce(F(field), _moment(at)), _moment(at))


def _latest(field: str, at: datetime) -> Greatest:
    return Greatest(Coalesce(F(field), _moment(at)), _moment(at))


def _ensure_row(student: User) -> None:
    """Create the student's row if missing (a concurrent creator wins quietly)."""
    StudentSummary.objects.bulk_create([StudentSummary(student_id=student.pk)], ignore_conflicts=True)


def _update(student: User, **changes) -> None:
    """Create the student's row if missing, then apply ``changes`` in one UPDATE (safe under concurrency)."""
    _ensure_row(student)
    StudentSummary.objects.filter(student_id=student.pk).update(**changes)


def summary_lock(*, student: User) -> None:
    """Lock the student's row until the transaction ends (for a change computed from a value read first)."""
    _ensure_row(student)
    StudentSummary.objects.select_for_update().filter(student_id=student.pk).exists()


def summary_attempt_started(*, student: User, at: datetime) -> None:
    """A practice attempt started: the student has taken part (from ``at`` at the latest)."""
    _update(student, started_at=_earliest("started_at", at))


def summary_attempt_submitted(*, student: User, percent: int, at: datetime) -> None:
    _update(
        student, scores_sum=F("scores_sum") + percent, scores_count=F("scores_count") + 1,
        last_submitted_at=_latest("last_submitted_at", at),
    )


def summary_lesson_completed(*, student: User, at: datetime) -> None:
    """A new lesson completion (online or in person); a repeated one changes nothing."""
    _update(
        student, lessons_completed=F("lessons_completed") + 1, last_completed_at=_latest("last_completed_at", at),
        started_at=_earliest("started_at", at),
    )


def summary_trained(*, student: User, at: datetime) -> None:
    _update(student, trained_at=_earliest("trained_at", at))


def summary_rating_changed(*, student: User, old_stars: int | None, new_stars: int) -> None:
    """A lesson rating was given (``old_stars`` None) or replaced."""
    was_high = int(old_stars is not None and old_stars >= HIGH_STARS)
    _update(
        student, stars_sum=F("stars_sum") + new_stars - (old_stars or 0),
        stars_count=F("stars_count") + int(old_stars is None),
        stars_high=F("stars_high") + int(new_stars >= HIGH_STARS) - was_high,
    )


@transaction.atomic
def summaries_rebuild(*, student_ids: Iterable[int] | None = None) -> int:
    """Recompute the summaries of ``student_ids`` (every student when None) from the learning records.

    Grouped queries and batched inserts, a few thousand students at a time; returns the number
    of summaries written. Students without any record get no row (read as zeros).
    """
    if student_ids is None:
        StudentSummary.objects.all().delete()
        return _rebuild(None)
    ids = list(student_ids)
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        StudentSummary.objects.filter(student_id__in=chunk).delete()
        written += _rebuild(chunk)
    return written


def _rebuild(ids: list[int] | None) -> int:
    """Insert the summaries of ``ids`` (everyone when None) computed from the records: four grouped queries."""

    def of(model):
        rows = model.objects.all() if ids is None else model.objects.filter(student_id__in=ids)
        return rows.values("student_id").order_by()

    summaries: dict[int, StudentSummary] = {}

    def row(student_id: int) -> StudentSummary:
        if student_id not in summaries:
            summaries[student_id] = StudentSummary(student_id=student_id)
        return summaries[student_id]

    for sid, first in of(CourseCompletion).annotate(first=Min("trained_at")).values_list("student_id", "first"):
        row(sid).trained_at = first
    for sid, n, last, first in of(LessonCompletion).annotate(
        n=Count("pk"), last=Max("completed_at"), first=Min("completed_at")
    ).values_list("student_id", "n", "last", "first"):
        summary = row(sid)
        summary.lessons_completed, summary.last_completed_at, summary.started_at = n, last, first
    submitted = Q(submitted_at__isnull=False)
    for sid, first, total, n, last in of(PracticeAttempt).annotate(
        first=Min("started_at"), total=Sum("percent", filter=submitted), n=Count("pk", filter=submitted),
        last=Max("submitted_at"),
    ).values_list("student_id", "first", "total", "n", "last"):
        summary = row(sid)
        summary.started_at = min(summary.started_at or first, first)
        summary.scores_sum, summary.scores_count, summary.last_submitted_at = total or 0, n, last
    for sid, total, n, high in of(LessonRating).annotate(
        total=Sum("stars"), n=Count("pk"), high=Count("pk", filter=Q(stars__gte=HIGH_STARS))
    ).values_list("student_id", "total", "n", "high"):
        summary = row(sid)
        summary.stars_sum, summary.stars_count, summary.stars_high = total, n, high
    StudentSummary.objects.bulk_create(summaries.values(), batch_size=BATCH)
    return len(summaries)
