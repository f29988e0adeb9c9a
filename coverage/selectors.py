"""Coverage reads, as grouped database queries.

Every figure is one query grouped at the finest level a page needs (class or
school); coarser levels (grade, school, province) are sums of those few rows,
so a province of 100,000 students costs the same number of queries as a class.

"Trained" is a ``lessons.CourseCompletion``; a student counts for a school
year when enrolled in it (``schools.Enrollment``, the official enrolment) and
trained before the end of the cut-off day. Per-student figures are read from
``coverage.StudentSummary`` (a copy of the learning records kept on write), so a
dashboard reads one narrow row per enrolled student, not every completion and attempt.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from contests.models import Contest, Player
from coverage import forecast
from coverage.models import GuidedPerson, StudentSummary, Target
from lessons.models import CourseCompletion, Lesson, LessonCompletion, PracticeAttempt
from online_contests.models import Attempt as OnlineAttempt
from online_contests.models import OnlineContest
from schools.models import Classroom, Enrollment, Province, School, SchoolYear, User

LEVEL_PATHS = {
    "classroom": "classroom_id",
    "school": "classroom__school_id",
    "province": "classroom__school__province_id",
}
GROUP_PATHS = {**LEVEL_PATHS, "grade": "classroom__grade"}
ENROLLED = "student__enrollments__"
SUMMARY = "student__coverage_summary__"
TRAINED_AT = SUMMARY + "trained_at"


@dataclass(frozen=True)
class Scope:
    """Enrolled students of one class, school or province in one school year."""

    school_year: SchoolYear
    level: str
    obj_id: int

    @classmethod
    def of(cls, obj: Classroom | School | Province, school_year: SchoolYear) -> "Scope":
        level = {Classroom: "classroom", School: "school", Province: "province"}[type(obj)]
        return cls(school_year, level, obj.pk)

    def enrollment_filter(self, prefix: str = "") -> dict:
        return {f"{prefix}school_year": self.school_year, f"{prefix}{LEVEL_PATHS[self.level]}": self.obj_id}

    def enrollments(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(**self.enrollment_filter())


def day_end(day: date) -> datetime:
    """The first instant after ``day`` in the site's time zone: 'by 31/12' includes all of 31/12."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def trained_before(end: datetime) -> Q:
    """The enrolled student was trained before ``end`` (their first course completion, copied to the summary)."""
    return Q(**{f"{TRAINED_AT}__lt": end})


def _has(model, **lookups) -> Exists:
    """The enrolled student has a ``model`` row matching ``lookups`` (the database turns it into a semi-join)."""
    return Exists(model.objects.filter(**{"user" if model is Player else "student": OuterRef("student_id")}, **lookups))


@dataclass(frozen=True)
class ContestsHeld:
    live: int
    online: int


def contests_held(scope: Scope, *, cutoff: date) -> ContestsHeld | None:
    """Live contests finished and online contests opened for the scope's schools this year (two queries).

    Classes have no figure: a contest belongs to a school or a province.
    """
    if scope.level == "classroom":
        return None
    schools = School.objects.filter(**{"pk" if scope.level == "school" else "province_id": scope.obj_id})
    year_start, end = day_end(scope.school_year.starts_on - timedelta(days=1)), day_end(cutoff)
    live = Contest.objects.filter(school__in=schools, finished_at__gte=year_start, finished_at__lt=end).count()
    online = (
        OnlineContest.objects.filter(school_year=scope.school_year, opens_at__lt=end, schools__in=schools)
        .exclude(status=OnlineContest.Status.DRAFT).values("pk").distinct().count()
    )
    return ContestsHeld(live, online)


@dataclass
class Indicators:
    """Figures for one group of enrolled students; sums of groups add up field by field."""

    enrolled: int = 0
    trained: int = 0
    trained_window_start: int = 0
    participated: int = 0
    lessons_completed: int = 0
    score_sum: int = 0
    score_count: int = 0
    stars_sum: int = 0
    stars_count: int = 0
    stars_high: int = 0
    guided: int = 0
    guided_fully_online: int = 0
    contest_participants: int = 0

    def __add__(self, other: "Indicators") -> "Indicators":
        return Indicators(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    @property
    def coverage(self) -> float:
        return forecast.share_percent(self.trained, self.enrolled)

    @property
    def participation(self) -> float:
        return forecast.share_percent(self.participated, self.enrolled)

    @property
    def contest_share(self) -> float:
        return forecast.share_percent(self.contest_participants, self.enrolled)

    @property
    def untrained(self) -> int:
        return self.enrolled - self.trained

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.score_count if self.score_count else None

    @property
    def rating_mean(self) -> float | None:
        return self.stars_sum / self.stars_count if self.stars_count else None

    @property
    def rating_high_share(self) -> float | None:
        return forecast.share_percent(self.stars_high, self.stars_count) if self.stars_count else None


def _played_live(end: datetime, since: datetime | None = None) -> Exists:
    """The enrolled student played a live contest that finished before ``end`` (and from ``since``)."""
    return _has(Player, contest__finished_at__lt=end, **({"contest__finished_at__gte": since} if since else {}))


def _played_online(end: datetime, since: datetime | None = None) -> Exists:
    """The enrolled student started an online contest attempt before ``end`` (and from ``since``)."""
    return _has(OnlineAttempt, started_at__lt=end, **({"started_at__gte": since} if since else {}))


def indicators_by(scope: Scope, *, cutoff: date, group: str) -> dict[object, Indicators]:
    """Indicators of ``scope`` as of ``cutoff``, one entry per ``group`` key (classroom, grade, school, province).

    Six grouped queries whatever the number of groups: the enrolled students with their summaries;
    the contest players among them, live then online only (each a semi-join from the few contest
    rows); the completions and scores of students active after the cut-off (their summaries run
    past it: none when the cut-off is today); the people guided.
    """
    end = day_end(cutoff)
    window_start = end - timedelta(weeks=forecast.PACE_WEEKS)
    year_start = day_end(scope.school_year.starts_on - timedelta(days=1))
    key = GROUP_PATHS[group]
    enrolled_key = ENROLLED + key
    rows: dict[object, Indicators] = {}

    def merge(queryset, key_path, mapping):
        for row in queryset:
            target = rows.setdefault(row[key_path], Indicators())
            for attr, column in mapping.items():
                setattr(target, attr, getattr(target, attr) + (row[column] or 0))

    started = Q(**{f"{SUMMARY}started_at__lt": end})
    completed_by_then = Q(**{f"{SUMMARY}last_completed_at__lt": end})
    scored_by_then = Q(**{f"{SUMMARY}last_submitted_at__lt": end})
    students = scope.enrollments().values(key).annotate(
        enrolled=Count("pk"),
        trained=Count("pk", filter=trained_before(end)),
        trained_window_start=Count("pk", filter=trained_before(window_start)),
        # Participation: started a practice or completed a lesson before the cut-off; contest players below.
        participated=Count("pk", filter=started),
        lessons_completed=Sum(SUMMARY + "lessons_completed", filter=completed_by_then),
        score_sum=Sum(SUMMARY + "scores_sum", filter=scored_by_then),
        score_count=Sum(SUMMARY + "scores_count", filter=scored_by_then),
        # Ratings carry only their last change: they are read as they stand now, not as of the cut-off.
        stars_sum=Sum(SUMMARY + "stars_sum"),
        stars_count=Sum(SUMMARY + "stars_count"),
        stars_high=Sum(SUMMARY + "stars_high"),
    ).order_by()
    merge(students, key, {name: name for name in (
        "enrolled", "trained", "trained_window_start", "participated", "lessons_completed",
        "score_sum", "score_count", "stars_sum", "stars_count", "stars_high",
    )})
    # Contest players: those of a live contest, then those of an online contest only. Taking part in
    # any contest before the cut-off makes a student participate; contest participants count this year's.
    not_started = Q(**{f"{SUMMARY}started_at__isnull": True}) | Q(**{f"{SUMMARY}started_at__gte": end})
    live, online = _played_live(end), _played_online(end)
    for players, this_year in (
        (scope.enrollments().filter(live), _played_live(end, year_start) | _played_online(end, year_start)),
        (scope.enrollments().filter(online).exclude(live), _played_online(end, year_start)),
    ):
        counted = players.values(key).annotate(
            contest=Count("pk", filter=this_year), only_contest=Count("pk", filter=not_started)
        ).order_by()
        merge(counted, key, {"contest_participants": "contest", "participated": "only_contest"})
    completions = (
        LessonCompletion.objects.filter(**scope.enrollment_filter(ENROLLED), completed_at__lt=end,
                                        **{f"{SUMMARY}last_completed_at__gte": end})
        .values(enrolled_key).annotate(n=Count("pk")).order_by()
    )
    merge(completions, enrolled_key, {"lessons_completed": "n"})
    scores = (
        PracticeAttempt.objects.filter(**scope.enrollment_filter(ENROLLED), submitted_at__lt=end,
                                       **{f"{SUMMARY}last_submitted_at__gte": end})
        .values(enrolled_key).annotate(total=Sum("percent"), n=Count("pk")).order_by()
    )
    merge(scores, enrolled_key, {"score_sum": "total", "score_count": "n"})
    guided = (
        GuidedPerson.objects.filter(**scope.enrollment_filter(), guided_on__lte=cutoff)
        .values(key).annotate(n=Count("pk"), online=Count("pk", filter=Q(fully_online=True))).order_by()
    )
    merge(guided, key, {"guided": "n", "guided_fully_online": "online"})
    return rows


def total(rows: dict[object, Indicators]) -> Indicators:
    return sum(rows.values(), Indicators())


def trained_by(scope: Scope, *, cutoff: date, group: str) -> dict[object, int]:
    """Group key → students trained by the end of ``cutoff``: one query."""
    key = GROUP_PATHS[group]
    return dict(
        scope.enrollments().filter(trained_before(day_end(cutoff)))
        .values(key).annotate(n=Count("pk")).order_by().values_list(key, "n")
    )


def coverage_counts(scope: Scope, *, cutoff: date) -> tuple[int, int]:
    """(enrolled, trained by the end of ``cutoff``): one query."""
    counts = scope.enrollments().aggregate(n=Count("pk"), trained=Count("pk", filter=trained_before(day_end(cutoff))))
    return counts["n"], counts["trained"]


def coverage_by_classroom(classrooms: QuerySet[Classroom], *, cutoff: date) -> dict[int, tuple[int, int]]:
    """Classroom id → (enrolled, trained by ``cutoff``) for any set of classes: one query."""
    rows = (
        Enrollment.objects.filter(classroom__in=classrooms)
        .values("classroom_id")
        .annotate(n=Count("pk"), trained=Count("pk", filter=trained_before(day_end(cutoff))))
        .order_by()
    )
    return {row["classroom_id"]: (row["n"], row["trained"]) for row in rows}


def trained_per_day(scope: Scope, *, cutoff: date) -> list[tuple[date, int]]:
    """(day, enrolled students first trained that day) up to ``cutoff``, days before the year included: one query."""
    rows = (
        scope.enrollments().filter(trained_before(day_end(cutoff)))
        .values(day=TruncDate(TRAINED_AT))
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def trained_on_or_before(per_day: list[tuple[date, int]], day: date) -> int:
    return sum(n for trained_on, n in per_day if trained_on <= day)


def weekly_trend(
    scope: Scope, *, cutoff: date, per_day: list[tuple[date, int]] | None = None
) -> list[tuple[date, int]]:
    """Cumulative trained students at the end of each week from the year's start to ``cutoff``.

    Each student counts from their first training (once trained, always trained), even before the year began.
    One query, none when ``per_day`` (from ``trained_per_day``) is given.
    """
    start = scope.school_year.starts_on
    counts = trained_per_day(scope, cutoff=cutoff) if per_day is None else per_day
    points = []
    week_end = start + timedelta(days=6)
    while True:
        last = min(week_end, cutoff)
        points.append((last, trained_on_or_before(counts, last)))
        if last >= cutoff:
            return points
        week_end += timedelta(weeks=1)


def target_specs(province: Province | None) -> list[forecast.TargetSpec]:
    """The targets that apply to ``province`` (national ones unless it set its own for the same deadline)."""
    national, provincial = [], []
    for t in Target.objects.filter(Q(province__isnull=True) | Q(province=province)):
        (provincial if t.province_id else national).append(forecast.TargetSpec(t.share_percent, t.deadline, t.label))
    return forecast.merge_targets(national, provincial)


@dataclass
class TargetView:
    """What a dashboard shows about targets: the current one, the forecast, the outcome of passed ones."""

    current: forecast.TargetSpec | None
    forecast: forecast.Forecast
    outcomes: list[forecast.TargetOutcome] = field(default_factory=list)


def target_view(
    scope: Scope, province: Province, figures: Indicators, *, cutoff: date,
    per_day: list[tuple[date, int]] | None = None,
) -> TargetView:
    """Two queries (targets, and trained students per day unless ``per_day`` is given), none per school or class.

    A passed target is judged on the same enrolment (``figures.enrolled``) trained by its deadline.
    """
    specs = target_specs(province)
    current = forecast.current_target(specs, cutoff)
    outcomes = []
    passed = forecast.passed_targets(specs, cutoff)
    if passed and per_day is None:
        per_day = trained_per_day(scope, cutoff=cutoff)
    for spec in passed:
        trained = trained_on_or_before(per_day, spec.deadline)
        outcomes.append(forecast.target_outcome(spec, trained=trained, enrolled=figures.enrolled))
    return TargetView(
        current=current,
        forecast=forecast.forecast(
            trained=figures.trained, trained_window_start=figures.trained_window_start,
            enrolled=figures.enrolled, target=current, today=cutoff,
        ),
        outcomes=outcomes,
    )


def required_lessons() -> QuerySet[Lesson]:
    return Lesson.objects.filter(required=True, is_active=True).order_by("course_id", "order")


@dataclass
class StudentProgress:
    student: User
    done: dict[int, str]  # lesson id → completion method
    trained_at: datetime | None
    missing: list[Lesson]


def classroom_progress(classroom: Classroom, *, cutoff: date) -> tuple[list[Lesson], list[StudentProgress]]:
    """The lesson-by-lesson grid of one class as of ``cutoff``: three queries."""
    end = day_end(cutoff)
    lessons = list(required_lessons())
    students = list(
        User.objects.filter(enrollments__classroom=classroom)
        .annotate(trained_at=Subquery(
            StudentSummary.objects.filter(student=OuterRef("pk"), trained_at__lt=end).values("trained_at")
        ))
        .order_by("name_sort", "pk")
    )
    done: dict[int, dict[int, str]] = {}
    for student_id, lesson_id, method in LessonCompletion.objects.filter(
        student__enrollments__classroom=classroom, completed_at__lt=end
    ).values_list("student_id", "lesson_id", "method"):
        done.setdefault(student_id, {})[lesson_id] = method
    progress = []
    for s in students:
        mine = done.get(s.pk, {})
        missing = [] if s.trained_at else [lesson for lesson in lessons if lesson.pk not in mine]
        progress.append(StudentProgress(s, mine, s.trained_at, missing))
    return lessons, progress


@dataclass
class StudentActivity:
    enrollment: Enrollment
    attempts: int
    online_done: int
    in_person_done: int
    mean_score: float | None
    trained_at: datetime | None
    guided: int


def participation_rows(scope: Scope, *, date_from: date, date_to: date) -> Iterator[StudentActivity]:
    """One row per enrolled student: activity between ``date_from`` and ``date_to``, first training ever.

    Five grouped queries keyed by student (sized by the scope, a school at most), then
    the enrollments streamed in class and name order.
    """
    start, end = day_end(date_from - timedelta(days=1)), day_end(date_to)
    in_scope = scope.enrollment_filter(ENROLLED)
    attempts = dict(
        PracticeAttempt.objects.filter(started_at__gte=start, started_at__lt=end, **in_scope)
        .values("student_id").annotate(n=Count("pk")).order_by().values_list("student_id", "n")
    )
    scores = dict(
        PracticeAttempt.objects.filter(submitted_at__gte=start, submitted_at__lt=end, **in_scope)
        .values("student_id").annotate(m=Avg("percent")).order_by().values_list("student_id", "m")
    )
    done: dict[tuple[int, str], int] = {
        (student_id, method): n
        for student_id, method, n in LessonCompletion.objects.filter(
            completed_at__gte=start, completed_at__lt=end, **in_scope
        ).values("student_id", "method").annotate(n=Count("pk")).order_by().values_list("student_id", "method", "n")
    }
    trained = dict(
        CourseCompletion.objects.filter(**in_scope).values("student_id").annotate(first=Min("trained_at"))
        .order_by().values_list("student_id", "first")
    )
    guided = dict(
        GuidedPerson.objects.filter(guided_on__gte=date_from, guided_on__lte=date_to, **scope.enrollment_filter())
        .values("student_id").annotate(n=Count("pk")).order_by().values_list("student_id", "n")
    )
    enrollments = (
        scope.enrollments()
        .select_related("student", "classroom")
        .order_by("classroom__grade", "classroom__name", "student__name_sort", "student_id")
    )
    online, in_person = LessonCompletion.Method.ONLINE, LessonCompletion.Method.IN_PERSON
    for enrollment in enrollments.iterator(chunk_size=2000):
        sid = enrollment.student_id
        yield StudentActivity(
            enrollment, attempts.get(sid, 0), done.get((sid, online), 0), done.get((sid, in_person), 0),
            scores.get(sid), trained.get(sid), guided.get(sid, 0),
        )


def guided_for_classroom(classroom: Classroom) -> QuerySet[GuidedPerson]:
    return GuidedPerson.objects.filter(classroom=classroom).select_related("student", "checked_by")


@dataclass
class Dashboard:
    """Everything a coverage page shows for one scope as of one day."""

    school_year: SchoolYear
    cutoff: date
    totals: Indicators
    targets: TargetView
    rows: list[tuple[object, Indicators]] = field(default_factory=list)
    trend: list[tuple[date, float]] = field(default_factory=list)
    contests: ContestsHeld | None = None

    @property
    def target_percent(self) -> int | None:
        return self.targets.current.share_percent if self.targets.current else None


def _dashboard(scope: Scope, province: Province, *, cutoff: date, group: str, objects) -> Dashboard:
    by_key = indicators_by(scope, cutoff=cutoff, group=group)
    totals = total(by_key)
    enrolled = totals.enrolled
    per_day = trained_per_day(scope, cutoff=cutoff)
    return Dashboard(
        school_year=scope.school_year,
        cutoff=cutoff,
        totals=totals,
        targets=target_view(scope, province, totals, cutoff=cutoff, per_day=per_day),
        rows=[(obj, by_key.get(obj.pk, Indicators())) for obj in objects],
        trend=[(day, forecast.share_percent(n, enrolled)) for day, n in weekly_trend(scope, cutoff=cutoff, per_day=per_day)],
        contests=contests_held(scope, cutoff=cutoff),
    )


def school_dashboard(school: School, school_year: SchoolYear, *, cutoff: date) -> Dashboard:
    """Rows: the school's classes of the year, by grade and name."""
    classrooms = school.classrooms.filter(school_year=school_year).order_by("grade", "name")
    return _dashboard(Scope.of(school, school_year), school.province, cutoff=cutoff, group="classroom",
                      objects=classrooms)


def province_dashboard(province: Province, school_year: SchoolYear, *, cutoff: date) -> Dashboard:
    """Rows: the province's schools ranked by coverage, then participation."""
    dashboard = _dashboard(Scope.of(province, school_year), province, cutoff=cutoff, group="school",
                           objects=province.schools.order_by("name"))
    dashboard.rows.sort(key=lambda row: (-row[1].coverage, -row[1].participation, row[0].name))
    return dashboard


def grade_totals(rows: list[tuple[Classroom, Indicators]]) -> list[tuple[int, Indicators]]:
    grades: dict[int, Indicators] = {}
    for classroom, figures in rows:
        grades[classroom.grade] = grades.get(classroom.grade, Indicators()) + figures
    return sorted(grades.items())


def most_behind(rows: list[tuple[object, Indicators]], count: int = 5) -> list[tuple[object, Indicators]]:
    return sorted((r for r in rows if r[1].enrolled), key=lambda r: (r[1].coverage, -r[1].untrained))[:count]
