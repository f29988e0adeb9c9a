"""Grading rules for practice quizzes, as pure functions over plain data.

Nothing here touches the database, the network or the clock: callers load an
``AnswerKey`` from wherever questions live, pass in the raw POSTed values and
any seed, and store what comes back.

Question kinds and their keys:

- ``single`` / ``truefalse``: ``choice_ids`` offered, exactly one id in
  ``correct``. A true/false question always offers ``("t", "f")``.
- ``multiple``: ``choice_ids`` offered, at least two ids in ``correct`` and at
  least one wrong choice.
- ``ordering``: ``order`` is the correct sequence of item ids.
- ``matching``: ``pairs`` maps each left id to its right id. Content uses the
  same id on both sides (left "p1" belongs with right "p1"); any one-to-one
  mapping is accepted.

Wire form of a response (a list of strings, as from ``QueryDict.getlist``):

- ``single`` / ``truefalse``: ``[choice_id]``
- ``multiple``: ``[choice_id, ...]`` in any order
- ``ordering``: ``[item_id, ...]`` in the student's order
- ``matching``: ``["left:right", ...]``, one entry per left id, in any order

Empty strings in the list are ignored, because HTML forms post them for
controls left on their blank option. Ids are compared exactly (no trimming).

Scoring is all-or-nothing per question: a response scores 1 only when it is
exactly right (the whole set, the whole sequence, every pair) and 0
otherwise. Partial credit would reward ticking every box of a multiple-choice
question.
"""

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

SINGLE = "single"
MULTIPLE = "multiple"
TRUEFALSE = "truefalse"
ORDERING = "ordering"
MATCHING = "matching"
KINDS = (SINGLE, MULTIPLE, TRUEFALSE, ORDERING, MATCHING)
CHOICE_KINDS = (SINGLE, MULTIPLE, TRUEFALSE)

TRUE_ID = "t"
FALSE_ID = "f"
TRUEFALSE_IDS = (TRUE_ID, FALSE_ID)

PAIR_SEPARATOR = ":"

Seed = int | str


class ResponseError(StrEnum):
    """Why a raw response was rejected; values are stable API codes."""

    EMPTY = "empty"
    MALFORMED = "malformed"
    UNKNOWN_ID = "unknown_id"
    DUPLICATE = "duplicate"
    TOO_MANY = "too_many"
    NOT_PERMUTATION = "not_permutation"
    NOT_ONE_TO_ONE = "not_one_to_one"


RESPONSE_ERROR_MESSAGES = {
    ResponseError.EMPTY: "Bạn chưa trả lời câu hỏi này.",
    ResponseError.MALFORMED: "Câu trả lời ghép cặp không đúng định dạng.",
    ResponseError.UNKNOWN_ID: "Câu trả lời có lựa chọn không tồn tại.",
    ResponseError.DUPLICATE: "Câu trả lời có lựa chọn bị lặp lại.",
    ResponseError.TOO_MANY: "Câu hỏi này chỉ được chọn một đáp án.",
    ResponseError.NOT_PERMUTATION: "Cần sắp xếp đủ tất cả các mục, mỗi mục đúng một lần.",
    ResponseError.NOT_ONE_TO_ONE: (
        "Cần ghép mỗi mục bên trái với đúng một mục bên phải khác nhau."
    ),
}


class InvalidResponse(ValueError):
    """A raw response that cannot be graded; ``message`` is for the student."""

    def __init__(self, code: ResponseError) -> None:
        self.code = code
        self.message = RESPONSE_ERROR_MESSAGES[code]
        super().__init__(self.message)


def _check_id(value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"Ids must be non-empty strings, got {value!r}.")


def _check_distinct(ids: Sequence[str], what: str) -> None:
    if len(set(ids)) != len(ids):
        raise ValueError(f"{what} contain duplicates: {list(ids)!r}.")


@dataclass(frozen=True)
class AnswerKey:
    """The correct answer to one question; construction validates it.

    Fields that do not apply to ``kind`` must stay empty. Prefer the
    ``single``/``multiple``/``truefalse``/``ordering``/``matching``
    constructors. ``pairs`` is stored read-only and left out of the hash.
    """

    kind: str
    choice_ids: tuple[str, ...] = ()
    correct: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    pairs: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # Normalise before validating so callers may pass lists and sets.
        object.__setattr__(self, "choice_ids", tuple(self.choice_ids))
        object.__setattr__(self, "correct", frozenset(self.correct))
        object.__setattr__(self, "order", tuple(self.order))
        object.__setattr__(self, "pairs", MappingProxyType(dict(self.pairs)))
        if self.kind not in KINDS:
            raise ValueError(f"Unknown question kind {self.kind!r}.")
        for value in (*self.choice_ids, *self.correct, *self.order):
            _check_id(value)
        for left, right in self.pairs.items():
            _check_id(left)
            _check_id(right)
        if self.kind in CHOICE_KINDS:
            self._validate_choices()
        elif self.kind == ORDERING:
            self._validate_ordering()
        else:
            self._validate_matching()

    def _validate_choices(self) -> None:
        if self.order or self.pairs:
            raise ValueError(f"A {self.kind} key takes no order or pairs.")
        _check_distinct(self.choice_ids, "Choice ids")
        if not self.correct <= set(self.choice_ids):
            raise ValueError("Correct ids must be among the choice ids.")
        if self.kind == TRUEFALSE:
            if set(self.choice_ids) != set(TRUEFALSE_IDS):
                raise ValueError(f"True/false choice ids must be {TRUEFALSE_IDS!r}.")
            if len(self.correct) != 1:
                raise ValueError("A true/false key has exactly one correct id.")
        elif self.kind == SINGLE:
            if len(self.choice_ids) < 2:
                raise ValueError("A single-choice key needs at least two choices.")
            if len(self.correct) != 1:
                raise ValueError("A single-choice key has exactly one correct id.")
        else:
            if len(self.correct) < 2:
                raise ValueError("A multiple-choice key needs at least two correct ids.")
            if len(self.correct) == len(self.choice_ids):
                raise ValueError("A multiple-choice key needs at least one wrong choice.")

    def _validate_ordering(self) -> None:
        if self.choice_ids or self.correct or self.pairs:
            raise ValueError("An ordering key takes only an order.")
        if len(self.order) < 2:
            raise ValueError("An ordering key needs at least two items.")
        _check_distinct(self.order, "Ordering items")

    def _validate_matching(self) -> None:
        if self.choice_ids or self.correct or self.order:
            raise ValueError("A matching key takes only pairs.")
        if len(self.pairs) < 2:
            raise ValueError("A matching key needs at least two pairs.")
        _check_distinct(tuple(self.pairs.values()), "Right ids")
        for value in (*self.pairs.keys(), *self.pairs.values()):
            if PAIR_SEPARATOR in value:
                raise ValueError(f"Matching ids cannot contain {PAIR_SEPARATOR!r}.")

    @classmethod
    def single(cls, choice_ids: Iterable[str], correct_id: str) -> "AnswerKey":
        """Build a single-choice key."""
        return cls(SINGLE, choice_ids=tuple(choice_ids), correct=frozenset({correct_id}))

    @classmethod
    def multiple(cls, choice_ids: Iterable[str], correct_ids: Iterable[str]) -> "AnswerKey":
        """Build a multiple-choice key."""
        return cls(MULTIPLE, choice_ids=tuple(choice_ids), correct=frozenset(correct_ids))

    @classmethod
    def truefalse(cls, is_true: bool) -> "AnswerKey":
        """Build a true/false key whose answer is ``is_true``."""
        answer = TRUE_ID if is_true else FALSE_ID
        return cls(TRUEFALSE, choice_ids=TRUEFALSE_IDS, correct=frozenset({answer}))

    @classmethod
    def ordering(cls, order: Iterable[str]) -> "AnswerKey":
        """Build an ordering key from the correct sequence."""
        return cls(ORDERING, order=tuple(order))

    @classmethod
    def matching(cls, pairs: Mapping[str, str] | Iterable[str]) -> "AnswerKey":
        """Build a matching key; a plain list of ids pairs each id with itself."""
        if not isinstance(pairs, Mapping):
            pairs = {pair_id: pair_id for pair_id in pairs}
        return cls(MATCHING, pairs=pairs)

    @property
    def right_ids(self) -> tuple[str, ...]:
        """Right-column ids of a matching key, in the order of their left ids."""
        return tuple(self.pairs.values())


@dataclass(frozen=True)
class Response:
    """A parsed, well-formed response; only the field for ``kind`` is set."""

    kind: str
    choices: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    pairs: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", frozenset(self.choices))
        object.__setattr__(self, "order", tuple(self.order))
        object.__setattr__(self, "pairs", MappingProxyType(dict(self.pairs)))


def _parse_choices(key: AnswerKey, values: list[str]) -> Response:
    if not set(values) <= set(key.choice_ids):
        raise InvalidResponse(ResponseError.UNKNOWN_ID)
    if len(set(values)) != len(values):
        raise InvalidResponse(ResponseError.DUPLICATE)
    if key.kind != MULTIPLE and len(values) > 1:
        raise InvalidResponse(ResponseError.TOO_MANY)
    return Response(key.kind, choices=frozenset(values))


def _parse_ordering(key: AnswerKey, values: list[str]) -> Response:
    if not set(values) <= set(key.order):
        raise InvalidResponse(ResponseError.UNKNOWN_ID)
    if len(set(values)) != len(values):
        raise InvalidResponse(ResponseError.DUPLICATE)
    if len(values) != len(key.order):
        raise InvalidResponse(ResponseError.NOT_PERMUTATION)
    return Response(ORDERING, order=tuple(values))


def _parse_matching(key: AnswerKey, values: list[str]) -> Response:
    split = [value.split(PAIR_SEPARATOR) for value in values]
    if any(len(parts) != 2 or not all(parts) for parts in split):
        raise InvalidResponse(ResponseError.MALFORMED)
    lefts = [left for left, _ in split]
    rights = [right for _, right in split]
    if not set(lefts) <= set(key.pairs) or not set(rights) <= set(key.right_ids):
        raise InvalidResponse(ResponseError.UNKNOWN_ID)
    if len(set(lefts)) != len(lefts):
        raise InvalidResponse(ResponseError.DUPLICATE)
    if len(set(rights)) != len(rights) or len(lefts) != len(key.pairs):
        raise InvalidResponse(ResponseError.NOT_ONE_TO_ONE)
    return Response(MATCHING, pairs=dict(zip(lefts, rights, strict=True)))


def parse_response(key: AnswerKey, raw: Sequence[str]) -> Response:
    """Turn POSTed values into a ``Response`` for ``key`` or raise ``InvalidResponse``.

    Checks run in this order, so the first matching code wins: ``empty``,
    ``malformed`` (a non-string, or a matching entry that is not ``left:right``),
    ``unknown_id``, ``duplicate`` (an id, or a matching left id, given twice),
    ``too_many`` (more than one id for single/true-false), ``not_permutation``
    (ordering misses items), ``not_one_to_one`` (matching misses a left id or
    reuses a right id).
    """
    if any(not isinstance(value, str) for value in raw):
        raise InvalidResponse(ResponseError.MALFORMED)
    values = [value for value in raw if value]
    if not values:
        raise InvalidResponse(ResponseError.EMPTY)
    if key.kind in CHOICE_KINDS:
        return _parse_choices(key, values)
    if key.kind == ORDERING:
        return _parse_ordering(key, values)
    return _parse_matching(key, values)


def grade(key: AnswerKey, response: Response) -> bool:
    """Return whether ``response`` is exactly right; there is no partial credit."""
    if response.kind != key.kind:
        raise ValueError(f"A {response.kind} response cannot answer a {key.kind} key.")
    if key.kind in CHOICE_KINDS:
        return response.choices == key.correct
    if key.kind == ORDERING:
        return response.order == key.order
    return dict(response.pairs) == dict(key.pairs)


def correct_response(key: AnswerKey) -> Response:
    """Return the response that ``grade`` accepts for ``key``."""
    return Response(key.kind, choices=key.correct, order=key.order, pairs=key.pairs)


def response_to_raw(response: Response) -> list[str]:
    """Return the canonical wire form of ``response``, which ``parse_response`` accepts."""
    if response.kind in CHOICE_KINDS:
        return sorted(response.choices)
    if response.kind == ORDERING:
        return list(response.order)
    return [f"{left}{PAIR_SEPARATOR}{right}" for left, right in response.pairs.items()]


def attempt_percent(correct_count: int, total: int) -> int:
    """Return the score as a whole percentage, rounding half up; no questions score 0.

    Integer arithmetic keeps 1/8 = 12.5 -> 13 exact, where ``round()`` would
    give banker's rounding and floats could drift.
    """
    if not 0 <= correct_count <= total:
        raise ValueError(f"Invalid score {correct_count}/{total}.")
    if total == 0:
        return 0
    return (200 * correct_count + total) // (2 * total)


def passed(percent: int, threshold: int) -> bool:
    """Return whether ``percent`` reaches the pass ``threshold`` (inclusive)."""
    return percent >= threshold


def best_percent(percents: Iterable[int]) -> int:
    """Return the best of several attempt percentages, 0 when there are none."""
    return max(percents, default=0)


def _rng(purpose: str, seed: Seed) -> random.Random:
    # The purpose keeps the draw and the display shuffles independent even when
    # callers reuse one seed; the type name keeps 1 and "1" apart. String seeds
    # are hashed with SHA-512 by ``random``, so results survive PYTHONHASHSEED.
    return random.Random(f"{purpose}:{type(seed).__name__}:{seed}")  # noqa: S311 (not security)


def draw_questions(question_ids: Sequence[str], count: int, seed: Seed) -> list[str]:
    """Draw ``min(count, len(question_ids))`` distinct ids in a random order.

    The result depends only on the set of ids, ``count`` and ``seed`` (not on
    the order the ids arrive in), so an attempt can be redrawn from its seed
    and a retry with a new seed gets a different selection.
    """
    if count < 0:
        raise ValueError(f"Cannot draw {count} questions.")
    _check_distinct(question_ids, "Question ids")
    pool = sorted(question_ids)
    return _rng("draw", seed).sample(pool, min(count, len(pool)))


def shuffled(ids: Sequence[str], seed: Seed, *, avoid: Sequence[str] | None = None) -> list[str]:
    """Return ``ids`` in a seeded random order for display.

    When the result would equal ``avoid`` (for example the correct sequence
    of an ordering question), it is rotated by one so the student never sees
    the answer already in place.
    """
    _check_distinct(ids, "Ids to shuffle")
    result = list(ids)
    _rng("shuffle", seed).shuffle(result)
    if avoid is not None and len(result) >= 2 and result == list(avoid):
        result = result[1:] + result[:1]
    return result


def display_ids(key: AnswerKey, seed: Seed) -> list[str]:
    """Return the ids to show for ``key``, shuffled where that is safe.

    Choices are shuffled, except true/false which always reads "t" then "f".
    Ordering items never show in the correct order. For matching, the left
    column keeps the key's order and this returns the right column, never
    lined up with its left ids.
    """
    if key.kind == TRUEFALSE:
        return list(TRUEFALSE_IDS)
    if key.kind in CHOICE_KINDS:
        return shuffled(key.choice_ids, seed)
    if key.kind == ORDERING:
        return shuffled(key.order, seed, avoid=key.order)
    return shuffled(key.right_ids, seed, avoid=key.right_ids)
