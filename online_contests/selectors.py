"""Reads on online contests: scope, draws, standings and participation, as database queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from lessons.grading import draw_questions, shuffled
from lessons.models import Question, Quiz
from online_contests import ranking
from online_contests.models import Attempt, OnlineContest, Phase, Prize, RefusedRequest, SchoolResult
from schools.access import provinces_administered, schools_administered
from schools.models import Classroom, Enrollment, School, SchoolYear, User
from schools.selectors import student_current_enrollment


def contests_managed(*, user: User) -> QuerySet[OnlineContest]:
    """Contests the user organises: their school's, or their province's."""
    if not user.is_authenticated:
        return OnlineContest.objects.none()
    return OnlineContest.objects.filter(
        Q(school__in=schools_administered(user)) | Q(province__in=provinces_administered(user))
    ).select_related("school", "province", "school_year")


def contests_with_school_administered(*, user: User) -> QuerySet[OnlineContest]:
    """Announced contests that include a school the user administers (for its per-school summary)."""
    return (
        OnlineContest.objects.exclude(status=OnlineContest.Status.DRAFT)
        .filter(schools__in=schools_administered(user))
        .distinct()
    )


def student_enrollment_in_scope(*, contest: OnlineContest, student: User) -> Enrollment | None:
    """The student's enrolment this contest's year in a school and grade of its scope, if any."""
    return (
        Enrollment.objects.filter(
            student=student,
            school_year=contest.school_year,
            classroom__school__in=contest.schools.all(),
            classroom__grade__in=contest.grades,
        )
        .select_related("classroom__school")
        .first()
    )


def _announced_to_school_of(enrollment: Enrollment) -> QuerySet[OnlineContest]:
    return OnlineContest.objects.exclude(status=OnlineContest.Status.DRAFT).filter(
        school_year=enrollment.school_year_id, schools=enrollment.classroom.school_id
    )


def contests_for_student(*, student: User) -> list[OnlineContest]:
    """Announced contests whose scope includes the student's current enrolment, by closing time."""
    enrollment = student_current_enrollment(student)
    if enrollment is None:
        return []
    # Grades are a short JSON list, which SQLite cannot filter on: a school has few contests a year.
    contests = _announced_to_school_of(enrollment).order_by("closes_at")
    return [c for c in contests if enrollment.classroom.grade in c.grades]


def contest_for_student(*, student: User, pk: int) -> OnlineContest | None:
    """One announced contest whose scope includes the student's current enrolment, with its question count."""
    enrollment = student_current_enrollment(student)
    if enrollment is None:
        return None
    contest = (
        _announced_to_school_of(enrollment)
        .filter(pk=pk)
        .annotate(pool_question_count=Coalesce(Sum("pools__count"), 0))
        .first()
    )
    return contest if contest is not None and enrollment.classroom.grade in contest.grades else None


@dataclass(frozen=True)
class StudentContest:
    contest: OnlineContest
    phase: Phase
    attempt: Attempt | None


def student_contest_list(*, student: User, now: datetime) -> list[StudentContest]:
    """The student's contests with their phase and own attempt: open first, then upcoming, then results."""
    contests = contests_for_student(student=student)
    attempts = {a.contest_id: a for a in Attempt.objects.filter(student=student, contest__in=contests)}
    order = {Phase.OPEN: 0, Phase.UPCOMING: 1, Phase.CLOSED: 2, Phase.PUBLISHED: 3}
    rows = [StudentContest(c, c.phase(now), attempts.get(c.pk)) for c in contests]
    return sorted(rows, key=lambda row: order[row.phase])


def student_open_attempt(*, student: User, now: datetime) -> Attempt | None:
    """The student's unfinished attempt of a contest still open at ``now`` (the earliest deadline first),
    annotated with ``answered``."""
    attempts = (
        Attempt.objects.filter(student=student, finished_at__isnull=True, deadline__gt=now)
        .select_related("contest")
        .annotate(answered=Count("answers"))
        .order_by("deadline", "pk")
    )
    return next((a for a in attempts if a.contest.phase(now) == Phase.OPEN), None)


def pool_quizzes(*, school: School | None) -> QuerySet[Quiz]:
    """Quizzes usable as pools: every active lesson's practice quiz, plus a school's own quizzes."""
    condition = Q(lesson__isnull=False, lesson__is_active=True)
    if school is not None:
        condition |= Q(lesson__isnull=True, school=school)
    return (
        Quiz.objects.filter(condition)
        .annotate(available=Count("questions", filter=Q(questions__is_retired=False)))
        .select_related("lesson")
        .order_by("lesson__order", "title", "pk")
    )


def contest_draw(*, contest: OnlineContest, seed: str) -> list[int]:
    """Question ids for one attempt: ``count`` from each pool's live questions, then shuffled together."""
    pools = list(contest.pools.all())
    live = Question.objects.filter(quiz__in=[p.quiz_id for p in pools], is_retired=False).values_list("quiz_id", "pk")
    by_quiz: dict[int, list[str]] = {}
    for quiz_id, question_id in live:
        by_quiz.setdefault(quiz_id, []).append(str(question_id))
    drawn = []
    for pool in pools:
        drawn += draw_questions(by_quiz.get(pool.quiz_id, []), pool.count, f"{seed}:{pool.quiz_id}")
    return [int(question_id) for question_id in shuffled(drawn, seed)]


@dataclass(frozen=True)
class Standing:
    attempt: Attempt
    rank: int
    prize: str
    score: int

    @property
    def prize_label(self) -> str:
        return Prize(self.prize).label if self.prize else ""

    @property
    def time_used(self) -> timedelta:
        return (self.attempt.finished_at or self.attempt.deadline) - self.attempt.started_at


def _finished_attempts(contest: OnlineContest) -> QuerySet[Attempt]:
    """Attempts as ranking sees them: an unfinished attempt past its deadline counts as finished then."""
    return (
        contest.attempts.select_related("student", "classroom", "school")
        .annotate(
            correct=Count("answers", filter=Q(answers__is_correct=True)),
            ended_at=Coalesce("finished_at", "deadline"),
        )
    )


def contest_standings(*, contest: OnlineContest) -> list[Standing]:
    """The ranking: frozen ranks once published, otherwise computed now (for the organiser's review)."""
    attempts = list(_finished_attempts(contest))
    if contest.status == OnlineContest.Status.PUBLISHED:
        placed = [Standing(a, a.rank or 0, a.prize, a.score) for a in attempts]
        return sorted(placed, key=lambda s: (s.rank, s.attempt.student.name_sort, s.attempt.pk))
    target = len(attempts) if contest.tiebreak_enabled else None
    by_pk = {a.pk: a for a in attempts}
    entries = [
        ranking.Entry(a.pk, a.correct, a.ended_at - a.started_at, a.ended_at, a.tiebreak_estimate) for a in attempts
    ]
    return [
        Standing(by_pk[p.entry.key], p.rank, p.prize, p.entry.score)
        for p in ranking.rank_entries(entries, tiers=list(contest.prize_counts.items()), tiebreak_target=target)
    ]


@dataclass(frozen=True)
class SchoolParticipation:
    school: School
    enrolled: int
    participants: int
    rank: int
    awarded: bool

    @property
    def share_percent(self):
        return ranking.share_percent(self.participants, self.enrolled)


def contest_school_participation(*, contest: OnlineContest) -> list[SchoolParticipation]:
    """Per school in scope: enrolled students in the contest's grades, how many took part, rank and award.

    Frozen figures once published; otherwise two grouped queries.
    """
    if contest.status == OnlineContest.Status.PUBLISHED:
        return [
            SchoolParticipation(r.school, r.enrolled, r.participants, r.rank, r.awarded)
            for r in SchoolResult.objects.filter(contest=contest).select_related("school")
        ]
    schools = {s.pk: s for s in contest.schools.all()}
    enrolled = dict(
        Enrollment.objects.filter(
            school_year=contest.school_year, classroom__school__in=schools, classroom__grade__in=contest.grades
        )
        .values_list("classroom__school")
        .annotate(n=Count("pk"))
    )
    participants = dict(contest.attempts.values_list("school").annotate(n=Count("pk")))
    entries = [ranking.SchoolEntry(pk, enrolled.get(pk, 0), participants.get(pk, 0)) for pk in schools]
    placed = ranking.rank_schools(entries, award_count=contest.school_award_count)
    return sorted(
        (
            SchoolParticipation(schools[p.entry.key], p.entry.enrolled, p.entry.participants, p.rank, p.awarded)
            for p in placed
        ),
        key=lambda row: (row.rank, row.school.name),
    )


def participation_by_school(*, school_year: SchoolYear, schools: QuerySet[School] | None = None) -> dict[int, int]:
    """For coverage reports: school id → number of distinct students who entered any online contest that year."""
    attempts = Attempt.objects.filter(contest__school_year=school_year)
    if schools is not None:
        attempts = attempts.filter(school__in=schools)
    return dict(attempts.values_list("school").annotate(n=Count("student", distinct=True)))


def published_prize_winners(*, contest: OnlineContest) -> QuerySet[Attempt]:
    """For certificates: the prize winners of a published contest, best first (empty before publication)."""
    if contest.status != OnlineContest.Status.PUBLISHED:
        return Attempt.objects.none()
    return (
        contest.attempts.exclude(prize="")
        .select_related("student", "classroom", "school")
        .order_by("rank", "student__name_sort", "pk")
    )


def contest_refusals(*, contest: OnlineContest) -> list[tuple[str, int]]:
    """How many requests were refused, per reason label (for the organiser's page)."""
    counts = contest.refused_requests.values_list("reason").annotate(n=Count("pk")).order_by("reason")
    return [(RefusedRequest.Reason(reason).label, n) for reason, n in counts]


@dataclass(frozen=True)
class ClassroomParticipation:
    contest: OnlineContest
    phase: Phase
    participants: int
    enrolled: int


def classroom_participation(*, classroom: Classroom, now: datetime) -> list[ClassroomParticipation]:
    """For the class page: announced contests open to the class, with how many of its students took part."""
    contests = OnlineContest.objects.exclude(status=OnlineContest.Status.DRAFT).filter(
        school_year=classroom.school_year, schools=classroom.school
    ).order_by("-opens_at")
    in_grade = [contest for contest in contests if classroom.grade in contest.grades]
    counts = dict(
        Attempt.objects.filter(classroom=classroom, contest__in=in_grade).values_list("contest").annotate(n=Count("pk"))
    )
    enrolled = classroom.enrollments.count()
    return [ClassroomParticipation(c, c.phase(now), counts.get(c.pk, 0), enrolled) for c in in_grade]
