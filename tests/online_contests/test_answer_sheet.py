"""The sheet carries display positions, never choice keys; positions map back to the grading wire form."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessons.grading import (
    AnswerKey,
    InvalidResponse,
    correct_response,
    display_ids,
    grade,
    parse_response,
    response_to_raw,
)
from online_contests.answer_sheet import decode, encode

KEYS = [
    AnswerKey.single(["a", "b", "c", "d"], "a"),
    AnswerKey.multiple(["a", "b", "c"], ["a", "b"]),
    AnswerKey.truefalse(False),
    AnswerKey.ordering(["a", "b", "c", "d"]),
    AnswerKey.matching(["p1", "p2", "p3"]),
]


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.kind)
@given(seed=st.text(max_size=12))
def test_encode_then_decode_round_trips_the_correct_answer(key, seed):
    wire = response_to_raw(correct_response(key))
    positions = encode(key, seed, wire)
    assert all(":" in p or p.isdigit() for p in positions)
    assert grade(key, parse_response(key, decode(key, seed, positions)))


def test_positions_follow_the_students_display_order():
    key = KEYS[0]
    shown = display_ids(key, "seed-1")
    assert decode(key, "seed-1", ["1"]) == [shown[0]]
    assert decode(key, "seed-1", ["", "4"]) == [shown[3]]


def test_matching_positions_pair_left_in_key_order_with_right_in_display_order():
    key = KEYS[4]
    shown = display_ids(key, "s")
    assert decode(key, "s", ["2:1"]) == [f"p2:{shown[0]}"]


@pytest.mark.parametrize(
    ("key", "values", "code"),
    [
        (KEYS[0], ["9"], "unknown_id"),
        (KEYS[0], ["a"], "unknown_id"),
        (KEYS[4], ["1-2"], "malformed"),
        (KEYS[4], ["1:"], "malformed"),
        (KEYS[4], ["7:1"], "unknown_id"),
        (KEYS[0], [3], "malformed"),
    ],
)
def test_unknown_or_malformed_positions_are_refused(key, values, code):
    with pytest.raises(InvalidResponse) as caught:
        decode(key, "s", values)
    assert caught.value.code == code
