"""Reads of the lessons app: course progress, trained status, class grids, ratings, quizzes.

Other apps use these (certificates, coverage, contests); each is a handful of
queries whatever the number of rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet

from lessons import practice
from lessons.models import (
    Choice,
    Course,
    CourseCompletion,
    Lesson,
    LessonAssignment,
    LessonCompletion,
    LessonRating,
    PracticeAttempt,
    Question,
    Quiz,
    SimulationProgress,
)
from quizsite.request_memo import per_request
from schools.models import Classroom, User
from schools.selectors import student_current_enrollment

DEFAULT_COURSE_KEY = "dvctt"
SATISFIED_STARS = 4


def course_default() -> Course | None:
    """The platform's course (key "dvctt"), or None before ``load_curriculum`` ran; read once per request."""
    return per_request("course.default", lambda: Course.objects.filter(key=DEFAULT_COURSE_KEY).first())


def course_default_lessons() -> tuple[Course | None, list[Lesson]]:
    """The platform's course and its active lessons in order: one query, once per request."""

    def read():
        lessons = list(
            Lesson.objects.filter(course__key=DEFAULT_COURSE_KEY, is_active=True).select_related("course")
            .order_by("order")
        )
        if not lessons:
            return course_default(), []
        per_request("course.default", lambda: lessons[0].course)
        return lessons[0].course, lessons

    return per_request("course.default_lessons", read)


def course_lessons(course: Course) -> QuerySet[Lesson]:
    return course.lessons.filter(is_active=True).order_by("order")


# Trained status -------------------------------------------------------------------


def student_trained_at(*, student: User, course: Course | None = None) -> datetime | None:
    """When the student became trained (every required lesson complete), or None."""
    course = course or course_default()
    return (
        CourseCompletion.objects.filter(student=student, course=course).values_list("trained_at", flat=True).first()
    )


def student_is_trained(*, student: User, course: Course | None = None) -> bool:
    return student_trained_at(student=student, course=course) is not None


def trained_students(*, course: Course | None = None, until: datetime | None = None) -> QuerySet[User]:
    """Students trained (optionally by ``until``): filter further, e.g. by enrollment, for coverage."""
    completions = CourseCompletion.objects.filter(course=course or course_default())
    if until is not None:
        completions = completions.filter(trained_at__lte=until)
    return User.objects.filter(pk__in=completions.values("student_id"))


# Student progress -----------------------------------------------------------------


@dataclass
class LessonStatus:
    lesson: Lesson
    completion: LessonCompletion | None
    due_on: date | None

    @property
    def done(self) -> bool:
        return self.completion is not None


@dataclass
class CourseProgress:
    course: Course
    items: list[LessonStatus]
    trained_at: datetime | None
    required_total: int = 0
    required_done: int = 0
    done_count: int = 0
    next_lesson: Lesson | None = None
    due_soon: list[LessonStatus] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.required_done / self.required_total) if self.required_total else 0


def student_current_classroom(student: User) -> Classroom | None:
    enrollment = student_current_enrollment(student)
    return enrollment.classroom if enrollment else None


def course_progress(*, student: User, course: Course | None = None) -> CourseProgress | None:
    """Lessons done, next lesson and progress toward "trained" for one student (5 queries)."""
    if course is None:
        course, lessons = course_default_lessons()
        if course is None:
            return None
    else:
        lessons = list(course_lessons(course))
    completions = {c.lesson_id: c for c in LessonCompletion.objects.filter(student=student, lesson__course=course)}
    classroom = student_current_classroom(student)
    due = (
        dict(LessonAssignment.objects.filter(classroom=classroom).values_list("lesson_id", "due_on"))
        if classroom
        else {}
    )
    items = [LessonStatus(ls, completions.get(ls.pk), due.get(ls.pk)) for ls in lessons]
    required = [item for item in items if item.lesson.required]
    progress = CourseProgress(
        course, items, student_trained_at(student=student, course=course),
        required_total=len(required), required_done=sum(item.done for item in required),
        done_count=sum(item.done for item in items),
    )
    progress.next_lesson = next((item.lesson for item in items if not item.done), None)
    progress.due_soon = sorted(
        (item for item in items if not item.done and item.lesson.pk in due), key=lambda i: (i.due_on is None, i.due_on)
    )
    return progress


def lesson_for_student(*, student: User, lesson: Lesson) -> dict:
    """What the lesson page needs about the student: completion, rating, attempts, simulation (2–4 queries).

    The count does not grow with the student's attempts: the open attempt and the
    five latest submitted ones come from one query.
    """
    # Attempts of a lesson are sequential (one open at a time), so submission order
    # is start order; the open attempt, if any, sorts first.
    recent = list(
        PracticeAttempt.objects.filter(student=student, lesson=lesson).order_by(
            F("submitted_at").desc(nulls_first=True), "-started_at"
        )[:6]
    )
    completion = LessonCompletion.objects.filter(student=student, lesson=lesson).first()
    return {
        "completion": completion,
        # Only a student who completed the lesson may rate it (services.lesson_rate).
        "rating": LessonRating.objects.filter(student=student, lesson=lesson).first() if completion else None,
        "open_attempt": next((a for a in recent if a.submitted_at is None), None),
        "attempts": [a for a in recent if a.submitted_at is not None][:5],
        "simulation_done": bool(lesson.simulation)
        and SimulationProgress.objects.filter(
            student=student, simulation=lesson.simulation, completed_at__isnull=False
        ).exists(),
    }


def simulation_progress(*, student: User, simulation: str) -> SimulationProgress:
    """The student's progress, or a fresh unsaved one at step 0."""
    return SimulationProgress.objects.filter(student=student, simulation=simulation).first() or SimulationProgress(
        student=student, simulation=simulation
    )


# Practice -------------------------------------------------------------------------


def attempt_question_views(attempt: PracticeAttempt) -> list[practice.QuestionView]:
    """The attempt's questions in draw order, each with its answer if given (3 queries)."""
    questions = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices").in_bulk()
    answers = {answer.question_id: answer for answer in attempt.answers.all()}
    return [
        practice.question_view(number, questions[pk], attempt.seed, answers.get(pk))
        for number, pk in enumerate(attempt.question_ids, start=1)
    ]


# Teachers -------------------------------------------------------------------------


@dataclass
class GridRow:
    student: User
    cells: list[LessonCompletion | None]
    trained: bool


@dataclass
class CompletionGrid:
    lessons: list[Lesson]
    rows: list[GridRow]
    assignments: list[LessonAssignment]
    done_by_lesson: list[int]


def classroom_completion_grid(*, classroom: Classroom, course: Course | None = None) -> CompletionGrid:
    """Who completed what in a class, in Vietnamese name order (5 queries). Teacher-only data."""
    if course is None:
        course, lessons = course_default_lessons()
    else:
        lessons = list(course_lessons(course))
    students = list(User.objects.filter(enrollments__classroom=classroom).order_by("name_sort", "pk"))
    completions = {
        (c.student_id, c.lesson_id): c
        for c in LessonCompletion.objects.filter(student__in=[s.pk for s in students], lesson__course=course)
    }
    trained = set(
        CourseCompletion.objects.filter(student__in=[s.pk for s in students], course=course).values_list(
            "student_id", flat=True
        )
    )
    rows = [
        GridRow(s, [completions.get((s.pk, ls.pk)) for ls in lessons], s.pk in trained) for s in students
    ]
    return CompletionGrid(
        lessons,
        rows,
        list(classroom.lesson_assignments.select_related("lesson").order_by("lesson__order")),
        [sum(1 for row in rows if row.cells[i]) for i in range(len(lessons))],
    )


@dataclass
class RatingSummary:
    lesson: Lesson
    count: int
    average: float | None
    satisfied_percent: int | None


def lesson_rating_summary(*, students: QuerySet[User], course: Course | None = None) -> list[RatingSummary]:
    """Per lesson: number of ratings, average stars and share of 4–5 stars, among ``students`` (1 query)."""
    course = course or course_default()
    if course is None:
        return []
    scope = Q(ratings__student__in=students)
    lessons = course_lessons(course).annotate(
        rating_count=Count("ratings", filter=scope),
        rating_avg=Avg("ratings__stars", filter=scope),
        satisfied=Count("ratings", filter=scope & Q(ratings__stars__gte=SATISFIED_STARS)),
    )
    return [
        RatingSummary(
            ls, ls.rating_count, ls.rating_avg,
            round(100 * ls.satisfied / ls.rating_count) if ls.rating_count else None,
        )
        for ls in lessons
    ]


def lesson_satisfaction(*, students: QuerySet[User], course: Course | None = None) -> dict:
    """"Student satisfaction with the lessons": ratings count and share of 4–5 stars overall."""
    ratings = LessonRating.objects.filter(student__in=students, lesson__course=course or course_default())
    totals = ratings.aggregate(
        count=Count("pk"), average=Avg("stars"), satisfied=Count("pk", filter=Q(stars__gte=SATISFIED_STARS))
    )
    totals["percent"] = round(100 * totals["satisfied"] / totals["count"]) if totals["count"] else None
    return totals


def lesson_rating_comments(*, students: QuerySet[User], limit: int = 50) -> QuerySet[LessonRating]:
    """Recent non-empty comments (without student names: feedback is read as a whole)."""
    return (
        LessonRating.objects.filter(student__in=students)
        .exclude(comment="")
        .select_related("lesson")
        .order_by("-updated_at")[:limit]
    )


# Quizzes (also for live and online contests) ------------------------------------


def quizzes_owned(*, user: User) -> QuerySet[Quiz]:
    return Quiz.objects.filter(owner=user, lesson__isnull=True).annotate(
        question_count=Count("questions", filter=Q(questions__is_retired=False))
    ).order_by("-created_at")


def quiz_questions(*, quiz: Quiz) -> QuerySet[Question]:
    """A quiz's current (not retired) questions with their choices, in order."""
    return quiz.questions.filter(is_retired=False).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position"))
    ).order_by("order", "pk")


def quiz_live_questions(*, quiz: Quiz) -> QuerySet[Question]:
    """Questions a live contest can play (single, multiple, true/false, ordering), with choices."""
    return quiz_questions(quiz=quiz).filter(kind__in=Question.LIVE_KINDS)


def quizzes_usable_by(*, user: User) -> QuerySet[Quiz]:
    """Quizzes a teacher may run in a contest: their own, their schools', and every lesson's practice bank."""
    schools = user.roles.filter(role__in=["teacher", "school_admin"]).values("school_id")
    return Quiz.objects.filter(
        Q(owner=user) | Q(school__in=schools, lesson__isnull=True) | Q(lesson__is_active=True)
    ).distinct()


def student_open_practice(*, student: User) -> PracticeAttempt | None:
    """The student's latest unfinished practice on an active lesson, annotated with ``answered``."""
    return (
        PracticeAttempt.objects.filter(student=student, submitted_at__isnull=True, lesson__is_active=True)
        .select_related("lesson")
        .annotate(answered=Count("answers"))
        .order_by("-started_at", "-pk")
        .first()
    )
