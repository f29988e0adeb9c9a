"""How a drawn question appears on the answer sheet, and how posted values map back.

Choice keys never reach the page: in the curriculum the correct choice is
often "a", and a matching pair uses the same id on both sides, so the keys
would give the answer away. The page identifies every option by its 1-based
position in the student's seeded display order (``lessons.grading.display_ids``)
and the server turns positions back into the wire form that
``lessons.grading.parse_response`` grades:

- single / multiple / true-false: ``["2", …]`` → the choice ids shown there;
- ordering: one position per slot, in slot order → item ids in that order;
- matching: ``"left:right"`` positions, left in the key's order and right in
  the display order → ``"left_id:right_id"``.

Pure functions over ``AnswerKey`` values; no database, no clock.
"""

from collections.abc import Sequence

from lessons.grading import (
    MATCHING,
    PAIR_SEPARATOR,
    AnswerKey,
    InvalidResponse,
    ResponseError,
    Seed,
    display_ids,
)


def _position_map(ids: Sequence[str]) -> dict[str, str]:
    return {str(index): value for index, value in enumerate(ids, start=1)}


def _lookup(mapping: dict[str, str], value: str) -> str:
    try:
        return mapping[value]
    except KeyError:
        raise InvalidResponse(ResponseError.UNKNOWN_ID) from None


def left_ids(key: AnswerKey) -> list[str]:
    """Left-column ids of a matching question, in the key's order."""
    return list(key.pairs)


def decode(key: AnswerKey, seed: Seed, values: Sequence[str]) -> list[str]:
    """Turn posted positions into the grading wire form; raise ``InvalidResponse`` on unknown positions."""
    if any(not isinstance(value, str) for value in values):
        raise InvalidResponse(ResponseError.MALFORMED)
    shown = _position_map(display_ids(key, seed))
    values = [value for value in values if value]
    if key.kind != MATCHING:
        return [_lookup(shown, value) for value in values]
    lefts = _position_map(left_ids(key))
    wire = []
    for value in values:
        parts = value.split(PAIR_SEPARATOR)
        if len(parts) != 2 or not all(parts):
            raise InvalidResponse(ResponseError.MALFORMED)
        wire.append(f"{_lookup(lefts, parts[0])}{PAIR_SEPARATOR}{_lookup(shown, parts[1])}")
    return wire


def encode(key: AnswerKey, seed: Seed, wire: Sequence[str]) -> list[str]:
    """The positions that ``decode`` maps to ``wire`` (to show a saved answer again)."""
    shown = {value: position for position, value in _position_map(display_ids(key, seed)).items()}
    if key.kind != MATCHING:
        return [shown[value] for value in wire]
    lefts = {value: position for position, value in _position_map(left_ids(key)).items()}
    encoded = []
    for value in wire:
        left, right = value.split(PAIR_SEPARATOR)
        encoded.append(f"{lefts[left]}{PAIR_SEPARATOR}{shown[right]}")
    return encoded
