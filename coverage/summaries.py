"""Writes to ``StudentSummary``: one small update per learning event, and a rebuild from the records.

The lessons services call these inside their own transaction, so a summary
changes exactly when the record it copies does. This module imports only
models: ``coverage.services`` imports the lessons and certificates services,
which would make a cycle if the lessons services imported it.
"""

from collections.abc import Iterable
from datetime import datetime

from django.apps import apps as installed_apps
from django.db import transaction
from django.db.models import Count, DateTimeField, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from coverage.models import StudentSummary
from lessons import training
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


def summary_lesson_moved_earlier(*, student: User, at: datetime) -> None:
    """A back-dated record moved a completion earlier: the latest completion is read again from the records."""
    last = LessonCompletion.objects.filter(student_id=student.pk).aggregate(last=Max("completed_at"))["last"]
    _update(student, last_completed_at=last, started_at=_earliest("started_at", at))


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


def training_rebuild(*, student_ids: Iterable[int] | None = None, correct: bool = False, apps=installed_apps) -> int:
    """Recompute first done moments and trained moments (``lessons.training``) from the raw records.

    Each completion's time becomes its lesson's first done moment (completion, passing
    practice, attended session); each course completion follows the rule, and a student
    who did every required lesson without one gets it. ``correct`` corrects moments stored
    by the earlier rule, which could be too early (the data migration); otherwise a stored
    moment only moves earlier. The summaries of the students changed follow. ``apps`` lets
    a migration pass its historical models. Returns the number of students changed.
    """
    models = {name: apps.get_model(*name.split(".")) for name in (
        "lessons.Lesson", "lessons.LessonCompletion", "lessons.CourseCompletion", "lessons.PracticeAttempt",
        "coverage.TrainingSession", "coverage.StudentSummary",
    )}
    if student_ids is None:
        ids = list(models["lessons.LessonCompletion"].objects.values_list("student_id", flat=True).distinct()
                   .order_by("student_id"))
    else:
        ids = sorted(set(student_ids))
    changed = 0
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            changed += _training_rebuild(models, ids[start:start + BATCH], correct=correct)
    return changed


def _moments_by_student(models, ids: list[int]) -> tuple[dict, dict]:
    """``({student: {lesson: first done moment}}, {student: {lesson: when its first record arrived}})`` over
    completions, passing practices and attended sessions (a session arrives when it is recorded)."""
    tz = timezone.get_current_timezone()
    done: dict[int, dict[int, list[datetime]]] = {}
    arrived: dict[int, dict[int, list[datetime]]] = {}

    def add(student_id, lesson_id, moment, arrival=None):
        done.setdefault(student_id, {}).setdefault(lesson_id, []).append(moment)
        if arrival is not None:
            arrived.setdefault(student_id, {}).setdefault(lesson_id, []).append(arrival)

    for sid, lid, first, method in models["lessons.LessonCompletion"].objects.filter(student_id__in=ids).values_list(
        "student_id", "lesson_id", "completed_at", "method"
    ):
        add(sid, lid, first, first if method == "online" else None)
    for sid, lid, first in models["lessons.PracticeAttempt"].objects.filter(
        student_id__in=ids, passed=True, submitted_at__isnull=False
    ).values("student_id", "lesson_id").order_by().annotate(first=Min("submitted_at")).values_list(
        "student_id", "lesson_id", "first"
    ):
        add(sid, lid, first, first)
    attendance = models["coverage.TrainingSession"].attendees.through.objects.filter(user_id__in=ids)
    for sid, lid, held_on, recorded in attendance.values("user_id", "trainingsession__lesson_id").order_by().annotate(
        first=Min("trainingsession__held_on"), recorded=Min("trainingsession__recorded_at")
    ).values_list("user_id", "trainingsession__lesson_id", "first", "recorded"):
        add(sid, lid, training.session_moment(held_on, tz), recorded)

    def firsts(moments):
        return {sid: {lid: training.first_done(ms) for lid, ms in lessons.items()} for sid, lessons in moments.items()}

    return firsts(done), firsts(arrived)


def _training_rebuild(models, ids: list[int], *, correct: bool) -> int:
    completions, courses = models["lessons.LessonCompletion"], models["lessons.CourseCompletion"]
    first_done_at, arrived_at = _moments_by_student(models, ids)
    touched: set[int] = set()
    for row in completions.objects.filter(student_id__in=ids).only("pk", "student_id", "lesson_id", "completed_at"):
        first = first_done_at[row.student_id][row.lesson_id]
        if first < row.completed_at:
            completions.objects.filter(pk=row.pk).update(completed_at=first)
            touched.add(row.student_id)
    required: dict[int, list[int]] = {}
    for course_id, lesson_id in models["lessons.Lesson"].objects.filter(required=True, is_active=True).values_list(
        "course_id", "pk"
    ):
        required.setdefault(course_id, []).append(lesson_id)
    stored = {(c.student_id, c.course_id): c for c in courses.objects.filter(student_id__in=ids)}
    new = []
    for sid in ids:
        for course_id, lessons in required.items():
            existing = stored.get((sid, course_id))
            facts = {"stored": existing.trained_at if existing else None, "first_done_at": first_done_at.get(sid, {}),
                     "required": lessons}
            if correct:
                moment = training.trained_moment_corrected(**facts, arrived_at=arrived_at.get(sid, {}))
            else:
                moment = training.trained_moment_kept(**facts)
            if existing is None and moment is not None:
                new.append(courses(student_id=sid, course_id=course_id, trained_at=moment))
                touched.add(sid)
            elif existing is not None and moment != existing.trained_at:
                courses.objects.filter(pk=existing.pk).update(trained_at=moment)
                touched.add(sid)
    courses.objects.bulk_create(new)
    _summaries_follow(models, sorted(touched))
    return len(touched)


def _summaries_follow(models, ids: list[int]) -> None:
    """Copy the corrected times into the summaries of ``ids`` (rows that exist; a missing one is read as zeros)."""
    completions, courses = models["lessons.LessonCompletion"], models["lessons.CourseCompletion"]
    trained = dict(courses.objects.filter(student_id__in=ids).values("student_id").order_by().annotate(
        first=Min("trained_at")).values_list("student_id", "first"))
    times = {sid: (first, last) for sid, first, last in completions.objects.filter(student_id__in=ids).values(
        "student_id").order_by().annotate(first=Min("completed_at"), last=Max("completed_at")).values_list(
        "student_id", "first", "last")}
    for summary in models["coverage.StudentSummary"].objects.filter(student_id__in=ids):
        first, last = times.get(summary.student_id, (None, None))
        summary.trained_at = trained.get(summary.student_id)
        summary.last_completed_at = last
        summary.started_at = min(m for m in (summary.started_at, first) if m is not None) if (
            summary.started_at or first) else None
        summary.save(update_fields=["trained_at", "last_completed_at", "started_at"])
