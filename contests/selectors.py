"""Aggregate reads of live contests: rankings, distributions, results, histories."""

from dataclasses import dataclass

from django.db.models import Avg, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from contests.engine import Phase, PlayerTotals, RankedPlayer, rank_players, team_score
from contests.models import Answer, Contest, Player

# An answer that scored: right and in time. The one definition of "correct" for
# every per-question figure (results, exports, lessons.item_stats).
SCORED = Q(correct=True, late=False)


def contest_ranking(contest_id: int) -> list[RankedPlayer]:
    """Every player still in the contest, ranked from the running totals."""
    rows = Player.objects.filter(contest_id=contest_id, kicked=False).values_list("pk", "score", "answer_time_ms")
    return rank_players(PlayerTotals(player_id=pk, score=score, answer_time_ms=time) for pk, score, time in rows)


def contest_recomputed_totals(contest_id: int) -> dict[int, PlayerTotals]:
    """Totals recomputed from the stored answers alone (the check on the running totals)."""
    rows = (
        Player.objects.filter(contest_id=contest_id, kicked=False)
        .annotate(
            total=Coalesce(Sum("answers__points"), Value(0)),
            time=Coalesce(
                Sum("answers__elapsed_ms", filter=Q(answers__correct=True, answers__late=False)), Value(0)
            ),
        )
        .values_list("pk", "total", "time")
    )
    return {pk: PlayerTotals(player_id=pk, score=total, answer_time_ms=time) for pk, total, time in rows}


def active_player_count(contest_id: int) -> int:
    return Player.objects.filter(contest_id=contest_id, kicked=False).count()


def answer_count(contest_id: int, question_index: int) -> int:
    return Answer.objects.filter(
        player__contest_id=contest_id, player__kicked=False, question_index=question_index
    ).count()


@dataclass(frozen=True)
class Distribution:
    answered: int
    correct: int
    by_choice: dict[str, int]


def question_distribution(contest: Contest, question_index: int) -> Distribution:
    """How many chose each choice (for ordering: only right/wrong counts): one grouped query."""
    question = contest.questions[question_index]
    counts = {choice["id"]: 0 for choice in question["choices"]}
    answered = correct = 0
    rows = (
        Answer.objects.filter(player__contest=contest, question_index=question_index)
        .values("choices", "correct")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        answered += row["n"]
        correct += row["n"] if row["correct"] else 0
        if question["kind"] != "ordering":
            for choice_id in set(row["choices"]):
                if choice_id in counts:
                    counts[choice_id] += row["n"]
    return Distribution(answered=answered, correct=correct, by_choice=counts if question["kind"] != "ordering" else {})


def player_answers(contest_id: int, question_index: int) -> dict[int, Answer]:
    return {
        answer.player_id: answer
        for answer in Answer.objects.filter(player__contest_id=contest_id, question_index=question_index)
    }


@dataclass(frozen=True)
class TeamStanding:
    rank: int
    team_id: int
    name: str
    score: int
    members: int
    tied: bool = False


def team_ranking(contest_id: int) -> list[TeamStanding]:
    """Teams by the mean score of their members; equal scores share a rank (listed lower team number first)."""
    members: dict[int, list[int]] = {}
    names: dict[int, tuple[int, str]] = {}
    rows = Player.objects.filter(contest_id=contest_id, kicked=False, team__isnull=False).values_list(
        "team_id", "team__number", "team__name", "score"
    )
    for team_id, number, name, score in rows:
        members.setdefault(team_id, []).append(score)
        names[team_id] = (number, name)
    scores = {tid: team_score(members[tid]) for tid in members}
    ordered = sorted(members, key=lambda tid: (-scores[tid], names[tid][0]))
    return [
        TeamStanding(
            rank=1 + sum(1 for other in scores.values() if other > scores[tid]), team_id=tid, name=names[tid][1],
            score=scores[tid], members=len(members[tid]), tied=list(scores.values()).count(scores[tid]) > 1,
        )
        for tid in ordered
    ]


# Results pages ---------------------------------------------------------------


def contest_results_players(contest: Contest) -> QuerySet[Player]:
    """Players of a contest with their answer counts, best first."""
    return (
        contest.players.filter(kicked=False)
        .select_related("user", "team")
        .annotate(
            answered=Count("answers"),
            correct_count=Count("answers", filter=Q(answers__correct=True, answers__late=False)),
        )
        .order_by("final_rank", "-score", "answer_time_ms", "pk")
    )


@dataclass(frozen=True)
class QuestionStats:
    index: int
    text: str
    answered: int
    correct: int
    percent_correct: int
    mean_time_ms: int | None
    difficulty: str


def _difficulty(percent: int) -> str:
    if percent >= 80:
        return _("Dễ")
    if percent >= 50:
        return _("Trung bình")
    return _("Khó")


def contest_question_stats(contest: Contest) -> list[QuestionStats]:
    """Per question asked: answers, % of players correct, mean answer time, difficulty."""
    players = contest.players.filter(kicked=False).count()
    rows = {
        row["question_index"]: row
        for row in Answer.objects.filter(player__contest=contest, player__kicked=False)
        .values("question_index")
        .annotate(
            answered=Count("pk"),
            correct=Count("pk", filter=SCORED),
            mean_time=Avg("elapsed_ms", filter=Q(late=False)),
        )
    }
    stats = []
    for index, question in enumerate(contest.questions[: contest.asked_count]):
        row = rows.get(index, {"answered": 0, "correct": 0, "mean_time": None})
        percent = round(100 * row["correct"] / players) if players else 0
        stats.append(
            QuestionStats(
                index=index,
                text=question["text"],
                answered=row["answered"],
                correct=row["correct"],
                percent_correct=percent,
                mean_time_ms=round(row["mean_time"]) if row["mean_time"] is not None else None,
                difficulty=_difficulty(percent),
            )
        )
    return stats


def student_contest_history(user) -> QuerySet[Player]:
    """A student's finished contests with their own rank and the number of players."""
    players = (
        Player.objects.filter(contest=OuterRef("contest"), kicked=False)
        .order_by()
        .values("contest")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Player.objects.filter(user=user, kicked=False, contest__phase=Phase.FINISHED)
        .select_related("contest")
        .annotate(player_count=Subquery(players, output_field=IntegerField()))
        .order_by("-contest__created_at")
    )


def teacher_contests(user) -> QuerySet[Contest]:
    return (
        Contest.objects.filter(owner=user)
        .annotate(player_count=Count("players", filter=Q(players__kicked=False)))
        .order_by("-created_at")
    )


def contest_hosted_by(*, pin: str, user) -> int | None:
    """The id of the running contest with this PIN if `user` owns it."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Contest.objects.exclude(phase=Phase.FINISHED)
        .filter(pin=pin, owner=user)
        .values_list("pk", flat=True)
        .first()
    )


def quizzes_for_contest(user, school) -> QuerySet:
    """Quizzes a teacher may run live: lesson practice banks, their own, their school's; with live counts."""
    from lessons.models import Question, Quiz

    usable = Q(lesson__isnull=False, lesson__is_active=True) | Q(owner=user)
    if school is not None:
        usable |= Q(school=school)
    active = Q(questions__is_retired=False)
    return (
        Quiz.objects.filter(usable)
        .annotate(
            live_count=Count("questions", filter=active & Q(questions__kind__in=Question.LIVE_KINDS), distinct=True),
            question_count=Count("questions", filter=active, distinct=True),
        )
        .filter(live_count__gt=0)
        .select_related("lesson")
        .order_by("lesson__order", "title", "pk")
    )


def school_contest_participation(school, *, since=None, until=None) -> int:
    """Distinct students of `school` who played a live contest (for the school's periodic report)."""
    players = Player.objects.filter(user__isnull=False, kicked=False, user__enrollments__classroom__school=school)
    if since is not None:
        players = players.filter(joined_at__gte=since)
    if until is not None:
        players = players.filter(joined_at__lt=until)
    return players.values("user").distinct().count()
