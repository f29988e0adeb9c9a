"""Reads of the learning evidence: a student's own checks, the items of a form, and gain per group.

Gain figures are one grouped query over the enrolled students of a scope (the same
``coverage.selectors.Scope`` and cut-off as the coverage figures), whatever the
number of students or groups; coarser levels are sums of the finer rows.
"""

from dataclasses import dataclass, field, fields
from datetime import date

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, Sum
from django.utils.crypto import salted_hmac

from coverage.forecast import share_percent
from coverage.selectors import GROUP_PATHS, Scope, day_end
from evidence import rules
from evidence.models import LearningCheck
from lessons.models import CourseCompletion, LessonCompletion, Question
from schools.models import User

CHECKS = "student__evidence_checks"


def min_group() -> int:
    """Smallest number of students with both checks for which a group's gain is shown (setting)."""
    return int(getattr(settings, "EVIDENCE_MIN_GROUP", rules.DEFAULT_MIN_GROUP))


def check_seed(*, student: User, kind: str) -> str:
    """The option shuffle of one student's check: the same on the form and when it is posted, not guessable."""
    return salted_hmac("evidence.check", f"{kind}:{student.pk}").hexdigest()[:32]


def _form_pool(*forms: str):
    return Question.objects.filter(
        check_form__in=forms, is_retired=False, quiz__lesson__isnull=False, quiz__lesson__is_active=True,
    )


def form_questions(kind: str) -> list[Question]:
    """The knowledge items of the ``kind`` check, in lesson order, choices prefetched: two queries."""
    pool = (
        _form_pool(rules.FORMS[kind]).order_by("quiz__lesson__order", "order", "pk")
        .values_list("pk", "quiz__lesson__order")
    )
    chosen = rules.draw_form(list(pool))
    by_pk = Question.objects.prefetch_related("choices").in_bulk(chosen)
    return [by_pk[pk] for pk in chosen]


def form_sizes() -> dict[str, int]:
    """Check kind → number of items its check asks (one query)."""
    counts = dict(
        _form_pool(*rules.FORMS.values()).values("check_form").annotate(n=Count("pk")).order_by()
        .values_list("check_form", "n")
    )
    return {kind: min(counts.get(form, 0), rules.CHECK_SIZE) for kind, form in rules.FORMS.items()}


@dataclass
class StudentChecks:
    """A student's entry and exit checks and what the course page offers."""

    entry: LearningCheck | None
    exit: LearningCheck | None
    trained: bool
    started_learning: bool
    sizes: dict[str, int]

    @property
    def offer(self) -> str | None:
        return rules.offer(
            entry_done=self.entry is not None, exit_done=self.exit is not None, trained=self.trained,
            started_learning=self.started_learning, entry_items=self.sizes[rules.ENTRY],
            exit_items=self.sizes[rules.EXIT],
        )

    def refusal(self, kind: str) -> str | None:
        return rules.refusal(
            kind, done=(self.entry if kind == rules.ENTRY else self.exit) is not None, trained=self.trained,
            started_learning=self.started_learning, items=self.sizes[kind],
        )

    @property
    def both(self) -> bool:
        return bool(self.entry and self.exit and self.entry.submitted_at and self.exit.submitted_at)

    @property
    def rows(self) -> list["OwnRow"]:
        """The student's own self-assessment, before and after, item by item."""
        before = self.entry.self_assessment if self.entry else {}
        after = self.exit.self_assessment if self.exit else {}
        return [OwnRow(item, _label(item, before.get(item.key)), _label(item, after.get(item.key)))
                for item in rules.SELF_ASSESSMENT]


@dataclass(frozen=True)
class OwnRow:
    item: rules.SelfAssessmentItem
    before: str | None
    after: str | None


def _label(item: rules.SelfAssessmentItem, level) -> str | None:
    return item.levels[level - 1] if level in rules.LEVELS else None


def student_checks(*, student: User) -> StudentChecks:
    """Four queries: the student's checks, trained, any lesson completed, the forms' sizes."""
    checks = {c.kind: c for c in LearningCheck.objects.filter(student=student)}
    return StudentChecks(
        entry=checks.get(rules.ENTRY), exit=checks.get(rules.EXIT),
        trained=CourseCompletion.objects.filter(student=student).exists(),
        started_learning=LessonCompletion.objects.filter(student=student).exists(),
        sizes=form_sizes(),
    )


# --- gain per group -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemShare:
    item: rules.SelfAssessmentItem
    before: float | None
    after: float | None


@dataclass
class Gain:
    """Entry/exit figures of one group of enrolled students; groups add up field by field.

    Scores and "can do it myself" shares are over the students with both checks
    (``pairs``), so before and after describe the same people.
    """

    pairs: int = 0
    entries: int = 0
    exits: int = 0
    entry_sum: int = 0
    exit_sum: int = 0
    can_before: dict[str, int] = field(default_factory=dict)
    can_after: dict[str, int] = field(default_factory=dict)
    min_group: int = rules.DEFAULT_MIN_GROUP

    def __add__(self, other: "Gain") -> "Gain":
        def add_counts(a: dict, b: dict) -> dict:
            return {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}

        summed = {f.name: getattr(self, f.name) + getattr(other, f.name)
                  for f in fields(self) if f.name not in ("can_before", "can_after", "min_group")}
        return Gain(**summed, can_before=add_counts(self.can_before, other.can_before),
                    can_after=add_counts(self.can_after, other.can_after), min_group=self.min_group)

    @property
    def enough(self) -> bool:
        return rules.enough(self.pairs, self.min_group)

    @property
    def mean_before(self) -> float | None:
        return self.entry_sum / self.pairs if self.enough else None

    @property
    def mean_after(self) -> float | None:
        return self.exit_sum / self.pairs if self.enough else None

    @property
    def mean_gain(self) -> float | None:
        return (self.exit_sum - self.entry_sum) / self.pairs if self.enough else None

    @property
    def items(self) -> list[ItemShare]:
        if not self.enough:
            return [ItemShare(item, None, None) for item in rules.SELF_ASSESSMENT]
        return [ItemShare(item, share_percent(self.can_before.get(item.key, 0), self.pairs),
                          share_percent(self.can_after.get(item.key, 0), self.pairs))
                for item in rules.SELF_ASSESSMENT]


def gain_by(scope: Scope, *, cutoff: date, group: str) -> dict[object, Gain]:
    """Gain of ``scope``'s enrolled students as of ``cutoff``, one entry per ``group`` key: one query.

    A check counts when it was submitted before the end of the cut-off day; skipped checks never count.
    Each enrolled student joins at most one entry and one exit row (a unique constraint), so nothing is
    counted twice.
    """
    end = day_end(cutoff)
    key = GROUP_PATHS[group]
    both = Q(entry__pk__isnull=False, exit__pk__isnull=False)
    annotations = {
        "entries": Count("entry__pk"),
        "exits": Count("exit__pk"),
        "pairs": Count("pk", filter=both),
        "entry_sum": Sum("entry__percent", filter=both),
        "exit_sum": Sum("exit__percent", filter=both),
    }
    for item in rules.ITEM_KEYS:
        annotations[f"before_{item}"] = Count("pk", filter=both & Q(**{f"entry__self_assessment__{item}": rules.CAN_DO}))
        annotations[f"after_{item}"] = Count("pk", filter=both & Q(**{f"exit__self_assessment__{item}": rules.CAN_DO}))

    def submitted(kind: str) -> FilteredRelation:
        return FilteredRelation(CHECKS, condition=Q(**{f"{CHECKS}__kind": kind, f"{CHECKS}__submitted_at__lt": end}))

    rows = (
        scope.enrollments().annotate(entry=submitted(rules.ENTRY), exit=submitted(rules.EXIT))
        .values(key).annotate(**annotations).order_by()
    )
    threshold = min_group()
    return {
        row[key]: Gain(
            pairs=row["pairs"], entries=row["entries"], exits=row["exits"],
            entry_sum=row["entry_sum"] or 0, exit_sum=row["exit_sum"] or 0,
            can_before={item: row[f"before_{item}"] for item in rules.ITEM_KEYS},
            can_after={item: row[f"after_{item}"] for item in rules.ITEM_KEYS},
            min_group=threshold,
        )
        for row in rows
    }


def gain_total(rows: dict[object, Gain]) -> Gain:
    return sum(rows.values(), Gain(min_group=min_group()))


@dataclass
class GainSection:
    """What a dashboard or report shows: the scope's total and one row per class or school."""

    total: Gain
    rows: list[tuple[object, Gain]]


def gain_section(scope: Scope, *, cutoff: date, group: str, objects=()) -> GainSection:
    """One query; ``objects`` (classes or schools, in display order) get a row each, empty ones included."""
    by_key = gain_by(scope, cutoff=cutoff, group=group)
    empty = Gain(min_group=min_group())
    return GainSection(gain_total(by_key), [(obj, by_key.get(obj.pk, empty)) for obj in objects])
