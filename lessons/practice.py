"""How a practice question is shown and how the POSTed form turns back into a response.

The page refers to options by their place in a seeded shuffle, never by their
ids: curriculum ids can give the answer away (ordering items are listed as
a, b, c in the correct order, matching pairs share an id on both sides). So an
unanswered question's page holds texts and shuffled positions only, and
``decode_post`` maps the positions back to ids for ``grading.parse_response``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lessons import grading
from lessons.keys import question_answer_key


def question_seed(attempt_seed: str, question_pk: int) -> str:
    return f"{attempt_seed}:{question_pk}"


def _index(value: str, size: int) -> int:
    if not (value.isascii() and value.isdigit()) or int(value) >= size:
        raise grading.InvalidResponse(grading.ResponseError.UNKNOWN_ID)
    return int(value)


def decode_post(key: grading.AnswerKey, seed: str, post: Mapping[str, Sequence[str]]) -> list[str]:
    """Turn form fields into the wire form of ``grading`` (raises ``InvalidResponse``).

    Fields: ``answer`` (display positions) for choice kinds, ``pos_<i>`` (1-based
    place of the i-th shown item) for ordering, ``match_<j>`` (display position of
    the right-hand text chosen for the j-th left item) for matching.
    """
    shown = grading.display_ids(key, seed)

    def values(name: str) -> list[str]:
        return [value for value in post.get(name, []) if value != ""]

    if key.kind in grading.CHOICE_KINDS:
        return [shown[_index(value, len(shown))] for value in values("answer")]
    if key.kind == grading.ORDERING:
        places = [values(f"pos_{i}") for i in range(len(shown))]
        if not any(places):
            raise grading.InvalidResponse(grading.ResponseError.EMPTY)
        if any(len(place) != 1 for place in places):
            raise grading.InvalidResponse(grading.ResponseError.NOT_PERMUTATION)
        numbers = [_index(place[0], len(shown) + 1) for place in places]
        if sorted(numbers) != list(range(1, len(shown) + 1)):
            raise grading.InvalidResponse(grading.ResponseError.NOT_PERMUTATION)
        return [item for _number, item in sorted(zip(numbers, shown, strict=True))]
    raw = []
    for j, left in enumerate(key.pairs):
        for value in values(f"match_{j}")[:1]:
            raw.append(f"{left}{grading.PAIR_SEPARATOR}{shown[_index(value, len(shown))]}")
    return raw


@dataclass(frozen=True)
class NavItem:
    """One dot of the practice page's question navigation."""

    number: int
    answered: bool


def nav_items(question_ids: Sequence[int], answered_ids: set[int]) -> list[NavItem]:
    return [NavItem(number, pk in answered_ids) for number, pk in enumerate(question_ids, start=1)]


@dataclass
class Option:
    index: int
    text: str
    chosen: bool = False
    correct: bool = False


@dataclass
class Row:
    """One line of an answered ordering/matching question: what the student gave and what was right."""

    label: str
    given: str
    expected: str

    @property
    def ok(self) -> bool:
        return self.given == self.expected


@dataclass
class QuestionView:
    number: int
    question: object
    kind: str
    options: list[Option] = field(default_factory=list)
    lefts: list[str] = field(default_factory=list)
    answer: object = None
    rows: list[Row] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.answer is not None

    @property
    def positions(self) -> range:
        """Place numbers offered for each item of an ordering question."""
        return range(1, len(self.options) + 1)


def question_view(number: int, question, attempt_seed: str, answer=None) -> QuestionView:
    """What the page may show; the key is used only once the question is answered."""
    key = question_answer_key(question)
    texts = {choice.key: choice for choice in question.choices.all()}
    shown = grading.display_ids(key, question_seed(attempt_seed, question.pk))
    view = QuestionView(number, question, key.kind, answer=answer)
    if key.kind == grading.MATCHING:
        view.options = [Option(i, texts[item].match_text) for i, item in enumerate(shown)]
        view.lefts = [texts[left].text for left in key.pairs]
    else:
        view.options = [Option(i, texts[item].text) for i, item in enumerate(shown)]
    if answer is None:
        return view
    given = list(answer.response)
    if key.kind in grading.CHOICE_KINDS:
        for option, item in zip(view.options, shown, strict=True):
            option.chosen, option.correct = item in given, item in key.correct
    elif key.kind == grading.ORDERING:
        view.rows = [
            Row(str(place), texts[got].text, texts[want].text)
            for place, (got, want) in enumerate(zip(given, key.order, strict=True), start=1)
        ]
    else:
        chosen = dict(pair.split(grading.PAIR_SEPARATOR) for pair in given)
        view.rows = [
            Row(texts[left].text, texts[chosen[left]].match_text, texts[right].match_text)
            for left, right in key.pairs.items()
        ]
    return view
