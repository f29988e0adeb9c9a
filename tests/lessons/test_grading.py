import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from lessons.grading import (
    KINDS,
    MATCHING,
    MULTIPLE,
    ORDERING,
    RESPONSE_ERROR_MESSAGES,
    SINGLE,
    TRUEFALSE,
    AnswerKey,
    InvalidResponse,
    Response,
    ResponseError,
    attempt_percent,
    best_percent,
    correct_response,
    display_ids,
    draw_questions,
    grade,
    parse_response,
    passed,
    response_to_raw,
    shuffled,
)

SINGLE_KEY = AnswerKey.single(["a", "b", "c", "d"], "b")
MULTIPLE_KEY = AnswerKey.multiple(["a", "b", "c", "d"], ["a", "c"])
TRUE_KEY = AnswerKey.truefalse(True)
FALSE_KEY = AnswerKey.truefalse(False)
ORDERING_KEY = AnswerKey.ordering(["s1", "s2", "s3", "s4"])
MATCHING_KEY = AnswerKey.matching(["p1", "p2", "p3"])


# --- answer keys -----------------------------------------------------------


def test_kinds_lists_every_kind_once():
    """KINDS holds the five kinds, each once."""
    assert KINDS == (SINGLE, MULTIPLE, TRUEFALSE, ORDERING, MATCHING)


def test_constructors_normalise_to_immutable_fields():
    """Keys built from lists store tuples, frozensets and a read-only mapping."""
    assert SINGLE_KEY.choice_ids == ("a", "b", "c", "d")
    assert SINGLE_KEY.correct == frozenset({"b"})
    assert TRUE_KEY.correct == frozenset({"t"})
    assert FALSE_KEY.correct == frozenset({"f"})
    assert ORDERING_KEY.order == ("s1", "s2", "s3", "s4")
    assert MATCHING_KEY.pairs == {"p1": "p1", "p2": "p2", "p3": "p3"}
    with pytest.raises(TypeError):
        MATCHING_KEY.pairs["p1"] = "p2"


def test_keys_are_hashable_and_compare_by_value():
    """Equal keys are equal and hash alike, matching keys included."""
    assert AnswerKey.matching({"x": "y", "y": "x"}) == AnswerKey.matching({"y": "x", "x": "y"})
    assert hash(AnswerKey.matching(["p1", "p2"])) == hash(AnswerKey.matching(["p1", "p2"]))
    assert AnswerKey(SINGLE, ["a", "b"], {"a"}) == AnswerKey.single(("a", "b"), "a")


def test_matching_key_accepts_any_one_to_one_mapping():
    """A matching key may pair different left and right ids."""
    key = AnswerKey.matching({"l1": "r2", "l2": "r1"})
    assert key.right_ids == ("r2", "r1")


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: AnswerKey("essay"), id="unknown-kind"),
        pytest.param(lambda: AnswerKey.single(["a", "b"], "z"), id="single-correct-not-offered"),
        pytest.param(lambda: AnswerKey(SINGLE, ["a", "b"], {"a", "b"}), id="single-two-correct"),
        pytest.param(lambda: AnswerKey(SINGLE, ["a", "b"], set()), id="single-no-correct"),
        pytest.param(lambda: AnswerKey.single(["a"], "a"), id="single-one-choice"),
        pytest.param(lambda: AnswerKey.single(["a", "a", "b"], "a"), id="single-duplicate-choice"),
        pytest.param(lambda: AnswerKey.single(["a", ""], "a"), id="single-blank-id"),
        pytest.param(lambda: AnswerKey.single(["a", 2], "a"), id="single-non-string-id"),
        pytest.param(
            lambda: AnswerKey(SINGLE, ["a", "b"], {"a"}, order=["a", "b"]),
            id="single-with-order",
        ),
        pytest.param(lambda: AnswerKey.multiple(["a", "b", "c"], ["a"]), id="multiple-one-correct"),
        pytest.param(lambda: AnswerKey.multiple(["a", "b"], ["a", "b"]), id="multiple-no-wrong"),
        pytest.param(
            lambda: AnswerKey.multiple(["a", "b", "c"], ["a", "z"]),
            id="multiple-correct-not-offered",
        ),
        pytest.param(lambda: AnswerKey(TRUEFALSE, ["t", "f"], {"t", "f"}), id="truefalse-both"),
        pytest.param(lambda: AnswerKey(TRUEFALSE, ["t", "f"], set()), id="truefalse-none"),
        pytest.param(lambda: AnswerKey(TRUEFALSE, ["y", "n"], {"y"}), id="truefalse-wrong-ids"),
        pytest.param(lambda: AnswerKey(TRUEFALSE, ["t", "f", "x"], {"t"}), id="truefalse-extra"),
        pytest.param(lambda: AnswerKey.ordering(["s1"]), id="ordering-one-item"),
        pytest.param(lambda: AnswerKey.ordering([]), id="ordering-empty"),
        pytest.param(lambda: AnswerKey.ordering(["s1", "s2", "s1"]), id="ordering-duplicate"),
        pytest.param(
            lambda: AnswerKey(ORDERING, ["a"], order=["s1", "s2"]), id="ordering-with-choices"
        ),
        pytest.param(lambda: AnswerKey.matching(["p1"]), id="matching-one-pair"),
        pytest.param(lambda: AnswerKey.matching({"a": "x", "b": "x"}), id="matching-shared-right"),
        pytest.param(lambda: AnswerKey.matching(["p:1", "p2"]), id="matching-separator-in-id"),
        pytest.param(
            lambda: AnswerKey(MATCHING, order=["a"], pairs={"a": "a", "b": "b"}),
            id="matching-with-order",
        ),
    ],
)
def test_malformed_key_is_rejected(build):
    """An inconsistent answer key raises ValueError when built."""
    with pytest.raises(ValueError):
        build()


# --- parsing and grading ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        pytest.param(SINGLE_KEY, ["b"], True, id="single-right"),
        pytest.param(SINGLE_KEY, ["a"], False, id="single-wrong"),
        pytest.param(TRUE_KEY, ["t"], True, id="truefalse-true-right"),
        pytest.param(TRUE_KEY, ["f"], False, id="truefalse-true-wrong"),
        pytest.param(FALSE_KEY, ["f"], True, id="truefalse-false-right"),
        pytest.param(FALSE_KEY, ["t"], False, id="truefalse-false-wrong"),
        pytest.param(MULTIPLE_KEY, ["a", "c"], True, id="multiple-right"),
        pytest.param(MULTIPLE_KEY, ["c", "a"], True, id="multiple-right-any-order"),
        pytest.param(MULTIPLE_KEY, ["a"], False, id="multiple-partial"),
        pytest.param(MULTIPLE_KEY, ["a", "b", "c"], False, id="multiple-extra"),
        pytest.param(MULTIPLE_KEY, ["a", "b", "c", "d"], False, id="multiple-everything"),
        pytest.param(MULTIPLE_KEY, ["b", "d"], False, id="multiple-wrong"),
        pytest.param(ORDERING_KEY, ["s1", "s2", "s3", "s4"], True, id="ordering-right"),
        pytest.param(ORDERING_KEY, ["s1", "s3", "s2", "s4"], False, id="ordering-one-swap"),
        pytest.param(ORDERING_KEY, ["s4", "s3", "s2", "s1"], False, id="ordering-reversed"),
        pytest.param(MATCHING_KEY, ["p1:p1", "p2:p2", "p3:p3"], True, id="matching-right"),
        pytest.param(MATCHING_KEY, ["p3:p3", "p1:p1", "p2:p2"], True, id="matching-any-order"),
        pytest.param(MATCHING_KEY, ["p1:p2", "p2:p1", "p3:p3"], False, id="matching-one-swap"),
        pytest.param(MATCHING_KEY, ["p1:p2", "p2:p3", "p3:p1"], False, id="matching-all-wrong"),
        pytest.param(SINGLE_KEY, ["", "b"], True, id="blank-entries-ignored"),
    ],
)
def test_grade_is_all_or_nothing(key, raw, expected):
    """Only an exactly right response grades true; anything partial is wrong."""
    assert grade(key, parse_response(key, raw)) is expected


@pytest.mark.parametrize(
    ("key", "raw", "code"),
    [
        pytest.param(SINGLE_KEY, [], ResponseError.EMPTY, id="single-empty"),
        pytest.param(SINGLE_KEY, [""], ResponseError.EMPTY, id="single-only-blank"),
        pytest.param(MULTIPLE_KEY, [], ResponseError.EMPTY, id="multiple-empty"),
        pytest.param(ORDERING_KEY, ["", ""], ResponseError.EMPTY, id="ordering-blank"),
        pytest.param(MATCHING_KEY, [], ResponseError.EMPTY, id="matching-empty"),
        pytest.param(SINGLE_KEY, [None], ResponseError.MALFORMED, id="non-string"),
        pytest.param(MATCHING_KEY, ["p1p1"], ResponseError.MALFORMED, id="matching-no-colon"),
        pytest.param(MATCHING_KEY, ["p1:"], ResponseError.MALFORMED, id="matching-no-right"),
        pytest.param(MATCHING_KEY, [":p1"], ResponseError.MALFORMED, id="matching-no-left"),
        pytest.param(MATCHING_KEY, ["p1:p1:p2"], ResponseError.MALFORMED, id="matching-two-colons"),
        pytest.param(SINGLE_KEY, ["z"], ResponseError.UNKNOWN_ID, id="single-unknown"),
        pytest.param(SINGLE_KEY, ["B"], ResponseError.UNKNOWN_ID, id="single-case-matters"),
        pytest.param(TRUE_KEY, ["true"], ResponseError.UNKNOWN_ID, id="truefalse-unknown"),
        pytest.param(MULTIPLE_KEY, ["a", "z"], ResponseError.UNKNOWN_ID, id="multiple-unknown"),
        pytest.param(
            ORDERING_KEY, ["s1", "s2", "s3", "s9"], ResponseError.UNKNOWN_ID, id="ordering-unknown"
        ),
        pytest.param(
            MATCHING_KEY,
            ["p9:p1", "p2:p2", "p3:p3"],
            ResponseError.UNKNOWN_ID,
            id="matching-unknown-left",
        ),
        pytest.param(
            MATCHING_KEY,
            ["p1:p9", "p2:p2", "p3:p3"],
            ResponseError.UNKNOWN_ID,
            id="matching-unknown-right",
        ),
        pytest.param(SINGLE_KEY, ["b", "b"], ResponseError.DUPLICATE, id="single-duplicate"),
        pytest.param(MULTIPLE_KEY, ["a", "c", "a"], ResponseError.DUPLICATE, id="multiple-dup"),
        pytest.param(
            ORDERING_KEY, ["s1", "s2", "s2", "s4"], ResponseError.DUPLICATE, id="ordering-dup"
        ),
        pytest.param(
            MATCHING_KEY,
            ["p1:p1", "p1:p2", "p3:p3"],
            ResponseError.DUPLICATE,
            id="matching-left-twice",
        ),
        pytest.param(SINGLE_KEY, ["a", "b"], ResponseError.TOO_MANY, id="single-two"),
        pytest.param(TRUE_KEY, ["t", "f"], ResponseError.TOO_MANY, id="truefalse-both"),
        pytest.param(
            ORDERING_KEY, ["s1", "s2", "s3"], ResponseError.NOT_PERMUTATION, id="ordering-missing"
        ),
        pytest.param(
            MATCHING_KEY,
            ["p1:p1", "p2:p2"],
            ResponseError.NOT_ONE_TO_ONE,
            id="matching-missing-left",
        ),
        pytest.param(
            MATCHING_KEY,
            ["p1:p1", "p2:p1", "p3:p3"],
            ResponseError.NOT_ONE_TO_ONE,
            id="matching-right-reused",
        ),
    ],
)
def test_invalid_response_is_rejected_with_code(key, raw, code):
    """A response that cannot be graded raises InvalidResponse with its code and message."""
    with pytest.raises(InvalidResponse) as excinfo:
        parse_response(key, raw)
    assert excinfo.value.code == code
    assert excinfo.value.message == RESPONSE_ERROR_MESSAGES[code]
    assert str(excinfo.value) == excinfo.value.message


def test_every_error_code_has_a_message():
    """Each ResponseError code has a student-facing message."""
    assert set(RESPONSE_ERROR_MESSAGES) == set(ResponseError)
    assert RESPONSE_ERROR_MESSAGES[ResponseError.UNKNOWN_ID] == (
        "Câu trả lời có lựa chọn không tồn tại."
    )


def test_error_codes_compare_equal_to_plain_strings():
    """Codes are strings, so they can be stored or sent as JSON as they are."""
    assert ResponseError.NOT_ONE_TO_ONE == "not_one_to_one"
    with pytest.raises(InvalidResponse) as excinfo:
        parse_response(SINGLE_KEY, [])
    assert excinfo.value.code == "empty"
    assert isinstance(excinfo.value, ValueError)


def test_grading_a_response_of_another_kind_is_an_error():
    """A response parsed for one kind cannot be graded against another."""
    with pytest.raises(ValueError):
        grade(SINGLE_KEY, Response(ORDERING, order=("a", "b")))


def test_response_to_raw_gives_the_wire_form():
    """The canonical wire form lists choices sorted and pairs as left:right."""
    assert response_to_raw(parse_response(MULTIPLE_KEY, ["c", "a"])) == ["a", "c"]
    assert response_to_raw(parse_response(ORDERING_KEY, ["s2", "s1", "s3", "s4"])) == [
        "s2",
        "s1",
        "s3",
        "s4",
    ]
    assert response_to_raw(correct_response(MATCHING_KEY)) == ["p1:p1", "p2:p2", "p3:p3"]


# --- scores ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("correct_count", "total", "percent"),
    [
        (0, 0, 0),
        (0, 10, 0),
        (10, 10, 100),
        (1, 3, 33),
        (2, 3, 67),
        (1, 8, 13),
        (5, 8, 63),
        (1, 200, 1),
        (1, 201, 0),
        (7, 10, 70),
    ],
)
def test_attempt_percent_rounds_half_up(correct_count, total, percent):
    """The percentage is rounded half up and no questions score 0."""
    assert attempt_percent(correct_count, total) == percent


@pytest.mark.parametrize(("correct_count", "total"), [(-1, 5), (6, 5), (1, 0), (0, -1)])
def test_attempt_percent_rejects_impossible_scores(correct_count, total):
    """More correct answers than questions, or negatives, are a caller bug."""
    with pytest.raises(ValueError):
        attempt_percent(correct_count, total)


@given(
    st.integers(min_value=1, max_value=500).flatmap(
        lambda total: st.tuples(st.integers(min_value=0, max_value=total), st.just(total))
    )
)
def test_attempt_percent_is_the_nearest_whole_percent(score):
    """The percentage is within half a point of the exact value."""
    correct_count, total = score
    percent = attempt_percent(correct_count, total)
    assert 0 <= percent <= 100
    assert abs(percent * total - 100 * correct_count) * 2 <= total


@pytest.mark.parametrize(
    ("percent", "threshold", "expected"),
    [(70, 70, True), (69, 70, False), (100, 70, True), (0, 0, True)],
)
def test_passed_includes_the_threshold(percent, threshold, expected):
    """Reaching the threshold exactly passes."""
    assert passed(percent, threshold) is expected


def test_best_percent_picks_the_highest_or_zero():
    """The best attempt counts; no attempts means 0."""
    assert best_percent([40, 85, 70]) == 85
    assert best_percent(iter([55])) == 55
    assert best_percent([]) == 0


# --- drawing and shuffling -------------------------------------------------


def test_draw_questions_edge_cases():
    """Drawing more than exist returns all; drawing none returns nothing."""
    ids = ["q1", "q2", "q3"]
    assert sorted(draw_questions(ids, 10, seed=1)) == ids
    assert draw_questions(ids, 0, seed=1) == []
    assert draw_questions([], 5, seed=1) == []
    with pytest.raises(ValueError):
        draw_questions(ids, -1, seed=1)
    with pytest.raises(ValueError):
        draw_questions(["q1", "q1"], 1, seed=1)


def test_draw_questions_varies_with_the_seed():
    """Retries with new seeds see different selections."""
    ids = [f"q{n}" for n in range(30)]
    draws = {tuple(sorted(draw_questions(ids, 10, seed=seed))) for seed in range(20)}
    assert len(draws) > 1


def test_draw_questions_keeps_int_and_str_seeds_apart():
    """Seed 1 and seed "1" are different seeds."""
    ids = [f"q{n}" for n in range(30)]
    assert draw_questions(ids, 10, seed=1) != draw_questions(ids, 10, seed="1")


def test_shuffled_rejects_duplicates():
    """Shuffling needs distinct ids."""
    with pytest.raises(ValueError):
        shuffled(["a", "a"], seed=1)


def test_shuffled_avoids_the_given_order_for_two_items():
    """With two items and avoid set, the only other order is always shown."""
    for seed in range(20):
        assert shuffled(["s1", "s2"], seed, avoid=["s1", "s2"]) == ["s2", "s1"]


def test_shuffled_without_avoid_may_keep_the_order():
    """Plain choice shuffling stays uniform, so the original order does occur."""
    results = {tuple(shuffled(["a", "b"], seed)) for seed in range(50)}
    assert results == {("a", "b"), ("b", "a")}


def test_display_ids_per_kind():
    """True/false reads t then f; other kinds show a shuffle of their ids."""
    assert display_ids(TRUE_KEY, seed=3) == ["t", "f"]
    assert sorted(display_ids(SINGLE_KEY, seed=3)) == ["a", "b", "c", "d"]
    assert sorted(display_ids(MULTIPLE_KEY, seed=3)) == ["a", "b", "c", "d"]
    assert display_ids(SINGLE_KEY, seed=3) == display_ids(SINGLE_KEY, seed=3)
    for seed in range(30):
        assert display_ids(ORDERING_KEY, seed) != list(ORDERING_KEY.order)
        assert display_ids(MATCHING_KEY, seed) != list(MATCHING_KEY.right_ids)


# --- properties ------------------------------------------------------------

ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=6)
seeds = st.one_of(st.integers(), st.text(max_size=10))


@st.composite
def answer_keys(draw):
    kind = draw(st.sampled_from(KINDS))
    if kind == TRUEFALSE:
        return AnswerKey.truefalse(draw(st.booleans()))
    if kind == SINGLE:
        choices = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
        return AnswerKey.single(choices, draw(st.sampled_from(choices)))
    if kind == MULTIPLE:
        choices = draw(st.lists(ids, min_size=3, max_size=8, unique=True))
        count = draw(st.integers(min_value=2, max_value=len(choices) - 1))
        return AnswerKey.multiple(choices, draw(st.permutations(choices))[:count])
    items = draw(st.lists(ids, min_size=2, max_size=8, unique=True))
    if kind == ORDERING:
        return AnswerKey.ordering(items)
    rights = draw(st.lists(ids, min_size=len(items), max_size=len(items), unique=True))
    return AnswerKey.matching(dict(zip(items, rights, strict=True)))


@given(answer_keys())
def test_correct_response_parses_and_grades_true(key):
    """For any key, the right answer in wire form parses and grades true."""
    raw = response_to_raw(correct_response(key))
    response = parse_response(key, raw)
    assert response == correct_response(key)
    assert grade(key, response) is True


@given(st.lists(ids, min_size=2, max_size=7, unique=True), st.data())
def test_ordering_permutation_is_right_only_when_it_is_the_key(order, data):
    """Any permutation of the items is valid and grades true iff it equals the key."""
    key = AnswerKey.ordering(order)
    attempt = data.draw(st.permutations(order))
    assert grade(key, parse_response(key, attempt)) is (list(attempt) == order)


@given(st.lists(ids, min_size=2, max_size=7, unique=True), st.data())
def test_matching_permutation_is_right_only_when_every_pair_is(lefts, data):
    """Any one-to-one mapping is valid and grades true iff every pair is right."""
    key = AnswerKey.matching(lefts)
    rights = data.draw(st.permutations(lefts))
    raw = data.draw(
        st.permutations([f"{left}:{right}" for left, right in zip(lefts, rights, strict=True)])
    )
    assert grade(key, parse_response(key, raw)) is (list(rights) == lefts)


@given(st.lists(ids, min_size=3, max_size=8, unique=True), st.data())
def test_multiple_subset_is_right_only_when_it_is_the_key(choices, data):
    """Any non-empty selection is valid and grades true iff it is exactly the key's set."""
    correct = data.draw(st.lists(st.sampled_from(choices), min_size=2, unique=True))
    assume(len(correct) < len(choices))
    key = AnswerKey.multiple(choices, correct)
    selection = data.draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
    assert grade(key, parse_response(key, selection)) is (set(selection) == set(correct))


@given(st.lists(ids, max_size=30, unique=True), st.integers(min_value=0, max_value=40), seeds)
def test_draw_questions_is_distinct_sized_and_deterministic(question_ids, count, seed):
    """A draw has min(count, len) distinct ids from the pool and repeats for its seed."""
    drawn = draw_questions(question_ids, count, seed)
    assert len(drawn) == min(count, len(question_ids))
    assert len(set(drawn)) == len(drawn)
    assert set(drawn) <= set(question_ids)
    assert draw_questions(question_ids, count, seed) == drawn
    assert draw_questions(list(reversed(question_ids)), count, seed) == drawn


@given(st.lists(ids, min_size=2, max_size=8, unique=True), seeds)
def test_shuffled_never_shows_the_correct_order(order, seed):
    """Ordering items are never displayed already in the correct sequence."""
    key = AnswerKey.ordering(order)
    result = shuffled(key.order, seed, avoid=key.order)
    assert result != order
    assert sorted(result) == sorted(order)
    assert shuffled(key.order, seed, avoid=key.order) == result


@given(st.lists(ids, max_size=8, unique=True), seeds)
def test_shuffled_is_a_deterministic_permutation(items, seed):
    """A shuffle keeps every id and repeats for the same seed."""
    result = shuffled(items, seed)
    assert sorted(result) == sorted(items)
    assert shuffled(items, seed) == result
