"""Which questions work: per-question figures over every place a bank question is answered.

Four sources, one shape:

- practice: ``PracticeAnswer`` rows of submitted practice attempts;
- knowledge checks: ``evidence.CheckAnswer`` rows of submitted entry and exit checks;
- online contests: ``AttemptAnswer`` rows of finished attempts;
- live contests: ``contests.Answer`` rows of players not removed by the host,
  mapped back to the bank question through the contest's question snapshot.

For each source one query ranks every answer against the other answers to the
same question on the same test (practice: the question; an online or live
contest: the question within that contest) by the score of the attempt it
belongs to, puts it in the upper 27%, the lower 27% or the middle, and counts
answers, right answers and responses per group (GROUP BY in the database, no
loop over answers). The groups of the four sources are then added up per
question; discrimination is the upper group's facility minus the lower
group's (the Kelley upper–lower 27% index; docs/item-review.md).
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from contests.models import Answer as LiveAnswer
from contests.models import Contest
from contests.selectors import SCORED
from evidence.models import CheckAnswer
from lessons import grading
from lessons.item_review import GROUP_PERCENT, Flag, ItemFigures, OptionFigures, Thresholds, item_flags
from lessons.models import Choice, PracticeAnswer, Question, QuestionReport
from lessons.selectors import quizzes_usable_by
from online_contests.models import AttemptAnswer
from schools.models import RoleAssignment, User


class Source:
    PRACTICE = "practice"
    CHECK = "check"
    ONLINE = "online"
    LIVE = "live"
    ALL = (PRACTICE, CHECK, ONLINE, LIVE)


UPPER, MIDDLE, LOWER = 1, 0, -1


@dataclass
class _Tally:
    answers: int = 0
    correct: int = 0
    upper_answers: int = 0
    upper_correct: int = 0
    lower_answers: int = 0
    lower_correct: int = 0
    # choice key -> [all, upper, lower]
    picks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    sources: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Source.ALL, 0))

    def add(self, *, source: str, band: int, count: int, correct: int, keys: Iterable[str]) -> None:
        self.answers += count
        self.correct += correct
        self.sources[source] += count
        if band == UPPER:
            self.upper_answers += count
            self.upper_correct += correct
        elif band == LOWER:
            self.lower_answers += count
            self.lower_correct += correct
        for key in set(keys):
            pick = self.picks[key]
            pick[0] += count
            if band == UPPER:
                pick[1] += count
            elif band == LOWER:
                pick[2] += count


@dataclass(frozen=True)
class OptionStats:
    choice: Choice
    count: int
    percent: int
    upper: int
    lower: int


@dataclass(frozen=True)
class ItemStats:
    question: Question
    figures: ItemFigures
    sources: dict[str, int]
    options: list[OptionStats]

    @property
    def answers(self) -> int:
        return self.figures.answers

    @property
    def facility(self) -> float | None:
        return self.figures.facility

    @property
    def discrimination(self) -> float | None:
        return self.figures.discrimination


def _banded(queryset: QuerySet, *, partition: list, score) -> list[tuple]:
    """Rows ``(ctx_id, item_ref, resp_text, band, count, correct)`` for an annotated answer queryset.

    ``queryset`` carries ``ctx_id``, ``item_ref``, ``resp_text`` and ``ok_int``;
    each answer is ranked within ``partition`` by ``score`` (best first, ties
    by answer id) and the ranked rows are grouped in the database.
    """
    ranked = queryset.annotate(
        row_no=Window(RowNumber(), partition_by=partition, order_by=[score.desc(), F("pk").asc()]),
        part_n=Window(Count("pk"), partition_by=partition),
    ).values("ctx_id", "item_ref", "resp_text", "ok_int", "row_no", "part_n")
    try:
        inner, params = ranked.query.sql_with_params()
    except EmptyResultSet:  # e.g. an empty ``questions`` filter
        return []
    size = f"((t.part_n * {GROUP_PERCENT} + 50) / 100)"  # item_review.group_size, in SQL
    # Only constants and the SQL Django compiled are interpolated; values travel in ``params``.
    sql = (
        "SELECT b.ctx_id, b.item_ref, b.resp_text, b.band, COUNT(*), SUM(b.ok_int) FROM ("  # noqa: S608
        f" SELECT t.ctx_id, t.item_ref, t.resp_text, t.ok_int,"
        f" CASE WHEN t.row_no <= {size} THEN {UPPER} WHEN t.row_no > t.part_n - {size} THEN {LOWER}"
        f" ELSE {MIDDLE} END AS band FROM ({inner}) t"
        ") b GROUP BY b.ctx_id, b.item_ref, b.resp_text, b.band"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _response(text) -> list:
    value = json.loads(text) if isinstance(text, str) else text
    return value if isinstance(value, list) else []


def _bank_answer_rows(
    answers: QuerySet, *, attempt: str, students: QuerySet[User] | None, question_ids, test: str | None, score: str
) -> list[tuple]:
    """Banded rows of a source whose answers point at the bank question and carry ``is_correct``.

    ``attempt`` is the path to the attempt (or check) an answer belongs to, ``test`` the field that
    tells one test apart from another (an online contest; None: each question is its own test), and
    ``score`` the attempt's score used to rank it.
    """
    if students is not None:
        answers = answers.filter(**{f"{attempt}__student__in": students})
    if question_ids is not None:
        answers = answers.filter(question_id__in=question_ids)
    answers = answers.annotate(
        ctx_id=F(test) if test else Value(0, output_field=IntegerField()), item_ref=F("question_id"),
        resp_text=Cast("response", TextField()), ok_int=Case(When(is_correct=True, then=1), default=0),
    )
    partition = [F(test), F("question_id")] if test else [F("question_id")]
    return _banded(answers, partition=partition, score=F(score))


def _practice_rows(students: QuerySet[User] | None, question_ids) -> list[tuple]:
    return _bank_answer_rows(
        PracticeAnswer.objects.filter(attempt__submitted_at__isnull=False), attempt="attempt", students=students,
        question_ids=question_ids, test=None, score="attempt__percent",
    )


def _check_rows(students: QuerySet[User] | None, question_ids) -> list[tuple]:
    return _bank_answer_rows(
        CheckAnswer.objects.filter(learning_check__submitted_at__isnull=False), attempt="learning_check",
        students=students, question_ids=question_ids, test=None, score="learning_check__percent",
    )


def _online_rows(students: QuerySet[User] | None, question_ids) -> list[tuple]:
    return _bank_answer_rows(
        AttemptAnswer.objects.filter(attempt__finished_at__isnull=False), attempt="attempt", students=students,
        question_ids=question_ids, test="attempt__contest_id", score="attempt__score",
    )


def _live_rows(students: QuerySet[User] | None) -> list[tuple]:
    answers = LiveAnswer.objects.filter(player__kicked=False)
    if students is not None:
        answers = answers.filter(player__user__in=students)
    right = (
        LiveAnswer.objects.filter(SCORED, player=OuterRef("player"))
        .order_by()
        .values("player")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answers = answers.annotate(
        ctx_id=F("player__contest_id"), item_ref=F("question_index"),
        resp_text=Cast("choices", TextField()), ok_int=Case(When(SCORED, then=1), default=0),
        player_right=Coalesce(Subquery(right, output_field=IntegerField()), 0),
    )
    return _banded(answers, partition=[F("player__contest_id"), F("question_index")], score=F("player_right"))


def _live_keys(snapshots: dict[int, list], questions: dict[int, Question]) -> dict[tuple[int, int], tuple]:
    """(contest, question index) -> (bank question id, snapshot choice id -> bank choice key).

    Snapshots taken before choice keys were stored are matched on the choice text.
    """
    mapping = {}
    for contest_id, snapshot in snapshots.items():
        for index, item in enumerate(snapshot):
            question_id = item.get("question_id")
            by_text = {c.text: c.key for c in questions[question_id].choices.all()} if question_id in questions else {}
            ids = {c["id"]: c.get("key") or by_text.get(c["text"]) for c in item.get("choices", [])}
            mapping[(contest_id, index)] = (question_id, ids)
    return mapping


def item_statistics(
    *, students: QuerySet[User] | None = None, questions: QuerySet[Question] | None = None
) -> dict[int, ItemStats]:
    """Figures for every question with answers (among ``students`` and ``questions`` when given).

    Seven queries whatever the number of answers: one per source, the contests'
    snapshots, the questions and their choices.
    """
    question_ids = None if questions is None else set(questions.values_list("pk", flat=True))
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for source, rows in ((Source.PRACTICE, _practice_rows(students, question_ids)),
                         (Source.CHECK, _check_rows(students, question_ids)),
                         (Source.ONLINE, _online_rows(students, question_ids))):
        for _ctx, question_id, resp, band, count, correct in rows:
            tallies[question_id].add(source=source, band=band, count=count, correct=correct, keys=_response(resp))
    live = _live_rows(students)
    snapshots = dict(Contest.objects.filter(pk__in={row[0] for row in live}).values_list("pk", "questions"))
    played = {item.get("question_id") for snapshot in snapshots.values() for item in snapshot}
    loaded = Question.objects.filter(pk__in=set(tallies) | (played - {None})).select_related(
        "quiz__lesson"
    ).prefetch_related("choices")
    if question_ids is not None:
        loaded = loaded.filter(pk__in=question_ids)
    bank = {q.pk: q for q in loaded}
    keys = _live_keys(snapshots, bank)
    for contest_id, index, resp, band, count, correct in live:
        question_id, ids = keys.get((contest_id, index), (None, {}))
        if question_id in bank:
            picked = (ids.get(choice_id) for choice_id in _response(resp))
            tallies[question_id].add(
                source=Source.LIVE, band=band, count=count, correct=correct, keys=[k for k in picked if k]
            )
    return {pk: _item(bank[pk], tally) for pk, tally in tallies.items() if pk in bank}


def _item(question: Question, tally: _Tally) -> ItemStats:
    choice_kind = question.kind in grading.CHOICE_KINDS
    choices = list(question.choices.all()) if choice_kind else []
    options = [
        OptionFigures(
            key=c.key, is_correct=c.is_correct, count=tally.picks.get(c.key, [0, 0, 0])[0],
            upper=tally.picks.get(c.key, [0, 0, 0])[1], lower=tally.picks.get(c.key, [0, 0, 0])[2],
        )
        for c in choices
    ]
    figures = ItemFigures(
        answers=tally.answers, correct=tally.correct,
        upper_answers=tally.upper_answers, upper_correct=tally.upper_correct,
        lower_answers=tally.lower_answers, lower_correct=tally.lower_correct, options=options,
    )
    rows = [
        OptionStats(
            choice=c, count=o.count, percent=round(100 * o.count / tally.answers) if tally.answers else 0,
            upper=o.upper, lower=o.lower,
        )
        for c, o in zip(choices, options, strict=True)
    ]
    return ItemStats(question=question, figures=figures, sources=dict(tally.sources), options=rows)


def review_thresholds() -> Thresholds:
    """The ``ITEM_REVIEW_*`` settings, read when asked (tests override them)."""
    defaults = Thresholds()
    return Thresholds(
        facility_max=float(getattr(settings, "ITEM_REVIEW_FACILITY_MAX", defaults.facility_max)),
        facility_min=float(getattr(settings, "ITEM_REVIEW_FACILITY_MIN", defaults.facility_min)),
        discrimination_min=float(getattr(settings, "ITEM_REVIEW_DISCRIMINATION_MIN", defaults.discrimination_min)),
        min_answers=int(getattr(settings, "ITEM_REVIEW_MIN_ANSWERS", defaults.min_answers)),
    )


def item_review_flags(stats: ItemStats, thresholds: Thresholds | None = None) -> list:
    return item_flags(stats.figures, thresholds or review_thresholds())


# The review page ------------------------------------------------------------------

FLAG_LABELS = {
    Flag.TOO_EASY: _("Quá dễ"),
    Flag.TOO_HARD: _("Quá khó"),
    Flag.LOW_DISCRIMINATION: _("Độ phân biệt thấp"),
    Flag.UNUSED_DISTRACTOR: _("Có phương án nhiễu không ai chọn"),
    Flag.DISTRACTOR_BEATS_KEY: _("Nhóm giỏi chọn phương án nhiễu nhiều hơn đáp án"),
}


@dataclass
class ReviewItem:
    question: Question
    stats: ItemStats | None
    flags: list[tuple[str, str]]
    reports: dict[str, int] = field(default_factory=dict)  # reason -> open reports
    reports_total: int = 0
    reports_open: int = 0
    open_reports: list[QuestionReport] = field(default_factory=list)


@dataclass
class ReviewPage:
    flagged: list[ReviewItem]
    reported: list[ReviewItem]
    thresholds: Thresholds
    answered: int


def questions_for_review(*, user: User) -> QuerySet[Question]:
    """The lessons' question banks and the user's own quizzes, without retired questions."""
    return Question.objects.filter(is_retired=False).filter(
        Q(quiz__lesson__isnull=False) | Q(quiz__owner=user)
    )


def question_review(
    *, questions: QuerySet[Question], students: QuerySet[User] | None = None, with_texts: bool = False
) -> ReviewPage:
    """Flagged questions (figures among ``students`` when given) and questions with reports.

    A constant number of queries: the statistics, the report counts, the
    reported questions without answers, and the open reports' texts when asked.
    """
    thresholds = review_thresholds()
    stats = item_statistics(students=students, questions=questions)
    counts: dict[int, dict] = defaultdict(lambda: {"by_reason": {}, "total": 0, "open": 0})
    for row in (
        QuestionReport.objects.filter(question__in=questions)
        .values("question_id", "reason")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(handled_at__isnull=True)))
        .order_by()
    ):
        entry = counts[row["question_id"]]
        entry["total"] += row["total"]
        entry["open"] += row["open"]
        if row["open"]:
            entry["by_reason"][row["reason"]] = row["open"]
    reported_ids = {pk for pk, entry in counts.items() if entry["open"]}
    extra = Question.objects.filter(pk__in=reported_ids - set(stats)).select_related("quiz__lesson")
    questions_by_id = {pk: item.question for pk, item in stats.items()} | {q.pk: q for q in extra}
    texts: dict[int, list[QuestionReport]] = defaultdict(list)
    if with_texts and reported_ids:
        for report in QuestionReport.objects.filter(question_id__in=reported_ids, handled_at__isnull=True):
            texts[report.question_id].append(report)

    def item(pk: int) -> ReviewItem:
        found = stats.get(pk)
        flags = item_flags(found.figures, thresholds) if found else []
        entry = counts.get(pk, {"by_reason": {}, "total": 0, "open": 0})
        return ReviewItem(
            question=questions_by_id[pk], stats=found, flags=[(f.value, FLAG_LABELS[f]) for f in flags],
            reports=entry["by_reason"], reports_total=entry["total"], reports_open=entry["open"],
            open_reports=texts.get(pk, []),
        )

    flagged = [item(pk) for pk in stats if item_flags(stats[pk].figures, thresholds)]
    flagged.sort(key=lambda i: (-len(i.flags), -i.stats.answers, i.question.pk))
    reported = sorted((item(pk) for pk in reported_ids if pk in questions_by_id),
                      key=lambda i: (-i.reports_open, i.question.pk))
    return ReviewPage(flagged=flagged, reported=reported, thresholds=thresholds, answered=len(stats))


def questions_reportable(*, user: User) -> QuerySet[Question]:
    """Questions ``user`` may report: any for an editor; a teacher's usable quizzes; a student's answered ones.

    A student reports a question only once its answer has been shown, that is
    once they answered it in practice (the feedback appears at once).
    """
    if user.has_perm("lessons.review_questions"):
        return Question.objects.filter(is_retired=False)
    roles = set(user.roles.values_list("role", flat=True))
    scope = Q(pk__in=[])
    if roles & {RoleAssignment.Role.TEACHER, RoleAssignment.Role.SCHOOL_ADMIN}:
        scope |= Q(quiz__in=quizzes_usable_by(user=user))
    if RoleAssignment.Role.STUDENT in roles:
        scope |= Q(pk__in=PracticeAnswer.objects.filter(attempt__student=user).values("question_id"))
    return Question.objects.filter(scope, is_retired=False)
