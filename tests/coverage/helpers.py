"""Builders for coverage tests: a small course and students' progress written as real rows.

The rows are written directly (with chosen dates), so each builder then rebuilds the
student's summary from them, as `manage.py coverage_rebuild` would.
"""

from datetime import datetime

from django.utils import timezone

from coverage.summaries import summaries_rebuild
from lessons.models import Course, CourseCompletion, Lesson, LessonCompletion, LessonRating, PracticeAttempt


def make_course(required: int = 3, optional: int = 1) -> Course:
    course = Course.objects.create(key="dvctt-test", title="Khóa học thử")
    for order in range(1, required + optional + 1):
        Lesson.objects.create(
            course=course, key=f"t{order}", order=order, title=f"Bài thử {order}", summary="…",
            required=order <= required, body_html="<p>…</p>",
        )
    return course


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def complete(student, lessons, when: datetime, method=LessonCompletion.Method.ONLINE) -> None:
    for lesson in lessons:
        LessonCompletion.objects.create(student=student, lesson=lesson, method=method, completed_at=when,
                                        best_percent=90)
    summaries_rebuild(student_ids=[student.pk])


def train(student, course: Course, when: datetime) -> CourseCompletion:
    """Complete every required lesson and mark the student trained at ``when``."""
    complete(student, course.lessons.filter(required=True), when)
    completion = CourseCompletion.objects.create(student=student, course=course, trained_at=when)
    summaries_rebuild(student_ids=[student.pk])
    return completion


def attempt(student, lesson, when: datetime, percent: int) -> PracticeAttempt:
    row = PracticeAttempt.objects.create(student=student, lesson=lesson, seed="s", percent=percent,
                                         passed=percent >= 80, submitted_at=when)
    PracticeAttempt.objects.filter(pk=row.pk).update(started_at=when)
    summaries_rebuild(student_ids=[student.pk])
    return row


def rate(student, lesson, stars: int, when: datetime | None = None) -> LessonRating:
    row = LessonRating.objects.create(student=student, lesson=lesson, stars=stars)
    LessonRating.objects.filter(pk=row.pk).update(updated_at=when or at(2025, 10, 5))
    summaries_rebuild(student_ids=[student.pk])
    return row
