"""From stored choices (curriculum specs or Choice rows) to a ``grading.AnswerKey``.

Choices carry ``key``, ``is_correct`` and ``position``: for choice kinds the
correct ones are flagged, for ordering ``position`` is the place in the correct
order, and for matching each pair uses its own key on both sides.
"""

from collections.abc import Iterable
from typing import Protocol

from lessons import grading


class ChoiceLike(Protocol):
    key: str
    is_correct: bool
    position: int


def answer_key(kind: str, choices: Iterable[ChoiceLike]) -> grading.AnswerKey:
    """Build and validate the key; raises ``ValueError`` when the choices make no valid key."""
    ordered = sorted(choices, key=lambda choice: choice.position)
    ids = [choice.key for choice in ordered]
    if kind == grading.ORDERING:
        return grading.AnswerKey.ordering(ids)
    if kind == grading.MATCHING:
        return grading.AnswerKey.matching(ids)
    correct = frozenset(choice.key for choice in ordered if choice.is_correct)
    return grading.AnswerKey(kind, choice_ids=tuple(ids), correct=correct)


def question_answer_key(question) -> grading.AnswerKey:
    """The key of a ``Question`` row (prefetch ``choices`` to avoid a query per question)."""
    return answer_key(question.kind, question.choices.all())
