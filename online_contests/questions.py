"""Load drawn questions with their answer keys, and lay them out for one student's sheet.

The answer key is built from the question's choices and stays on the server;
the sheet carries only texts and display positions (see ``answer_sheet``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch

from lessons.grading import MATCHING, MULTIPLE, ORDERING, SINGLE, TRUEFALSE, AnswerKey, display_ids
from lessons.keys import answer_key
from lessons.models import Choice, Question
from online_contests.answer_sheet import encode, left_ids


@dataclass(frozen=True)
class LoadedQuestion:
    question: Question
    key: AnswerKey
    texts: dict[str, str]
    right_texts: dict[str, str]


def questions_load(question_ids: Iterable[int]) -> dict[int, LoadedQuestion]:
    """Questions by id with their keys and option texts, in two queries."""
    questions = Question.objects.filter(pk__in=list(question_ids)).prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "pk"))
    )
    loaded = {}
    for question in questions:
        choices = list(question.choices.all())
        loaded[question.pk] = LoadedQuestion(
            question,
            answer_key(question.kind, choices),
            {choice.key: choice.text for choice in choices},
            {choice.key: choice.match_text for choice in choices},
        )
    return loaded


def question_seed(attempt_seed: str, question_id: int) -> str:
    """The display-shuffle seed of one question in one attempt."""
    return f"{attempt_seed}:{question_id}"


@dataclass
class SheetQuestion:
    """One question as the page renders it: texts and positions, never choice keys."""

    question_id: int
    number: int
    kind: str
    text: str
    options: list[dict] = field(default_factory=list)
    slots: list[dict] = field(default_factory=list)
    is_answered: bool = False


def sheet_question(loaded: LoadedQuestion, *, number: int, seed: str, saved: Sequence[str] | None) -> SheetQuestion:
    """Lay out ``loaded`` for a student whose shuffle seed is ``seed``, showing the ``saved`` answer."""
    key = loaded.key
    shown = display_ids(key, seed)
    chosen = encode(key, seed, saved) if saved else []
    sheet = SheetQuestion(loaded.question.pk, number, key.kind, loaded.question.text, is_answered=bool(saved))
    if key.kind in (SINGLE, MULTIPLE, TRUEFALSE):
        sheet.options = [
            {"value": str(pos), "text": loaded.texts.get(item, item), "selected": str(pos) in chosen}
            for pos, item in enumerate(shown, start=1)
        ]
    elif key.kind == ORDERING:
        sheet.options = [{"value": str(pos), "text": loaded.texts[item]} for pos, item in enumerate(shown, start=1)]
        sheet.slots = [
            {"number": slot, "selected": chosen[slot - 1] if slot <= len(chosen) else ""}
            for slot in range(1, len(shown) + 1)
        ]
    elif key.kind == MATCHING:
        sheet.options = [
            {"value": str(pos), "text": loaded.right_texts[item]} for pos, item in enumerate(shown, start=1)
        ]
        by_left = {value.split(":")[0]: value.split(":")[1] for value in chosen}
        sheet.slots = [
            {"number": str(pos), "text": loaded.texts[left], "selected": by_left.get(str(pos), "")}
            for pos, left in enumerate(left_ids(key), start=1)
        ]
    return sheet


def answer_text(loaded: LoadedQuestion) -> list[str]:
    """The correct answer in words, for the organiser's preview (never for students)."""
    key = loaded.key
    if key.kind == ORDERING:
        return [loaded.texts[item] for item in key.order]
    if key.kind == MATCHING:
        return [f"{loaded.texts[left]} → {loaded.right_texts[right]}" for left, right in key.pairs.items()]
    return [loaded.texts.get(item, item) for item in key.choice_ids if item in key.correct]
