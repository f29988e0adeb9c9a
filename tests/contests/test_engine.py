"""Tests for the pure contest rules in contests.engine."""

import dataclasses
import random
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from contests.engine import (
    IDLE_TIMEOUT_MS,
    MAX_POINTS,
    ContestState,
    Event,
    FinishReason,
    IllegalTransition,
    InvalidAnswer,
    Phase,
    PlayerTotals,
    QuestionKind,
    check_answer_window,
    choice_order,
    elapsed_ms,
    fnv1a32,
    generate_pin,
    judge_answer,
    mulberry32,
    new_contest,
    rank_players,
    score_answer,
    should_close,
    team_score,
    time_left_ms,
    transition,
    validate_selection,
)

T0 = datetime(2025, 11, 20, 8, 0, tzinfo=UTC)
LIMITS = (20_000, 30_000, 10_000)


def ms(value: int) -> timedelta:
    return timedelta(milliseconds=value)


def play(*events: Event, limits=LIMITS, show_leaderboard=True) -> ContestState:
    """Run `events` one second apart from a fresh lobby."""
    state = new_contest(time_limits_ms=limits, show_leaderboard=show_leaderboard, now=T0)
    for event in events:
        state = transition(state, event, now=state.changed_at + ms(1000))
    return state


def last_reveal_events(show_leaderboard: bool) -> list[Event]:
    """Events that play every question and reveal the last one."""
    per_question = [Event.NEXT, Event.NEXT, Event.CLOSE] if show_leaderboard else [Event.NEXT, Event.CLOSE]
    return [Event.START, Event.CLOSE] + per_question * (len(LIMITS) - 1)


SCENARIOS = {
    "lobby": lambda: play(),
    "question": lambda: play(Event.START),
    "reveal": lambda: play(Event.START, Event.CLOSE),
    "reveal_no_board": lambda: play(Event.START, Event.CLOSE, show_leaderboard=False),
    "reveal_last": lambda: play(*last_reveal_events(True)),
    "reveal_last_no_board": lambda: play(*last_reveal_events(False), show_leaderboard=False),
    "leaderboard": lambda: play(Event.START, Event.CLOSE, Event.NEXT),
    "leaderboard_last": lambda: play(*last_reveal_events(True), Event.NEXT),
    "paused_question": lambda: play(Event.START, Event.PAUSE),
    "paused_reveal": lambda: play(Event.START, Event.CLOSE, Event.PAUSE),
    "paused_leaderboard": lambda: play(Event.START, Event.CLOSE, Event.NEXT, Event.PAUSE),
    "finished": lambda: play(Event.END),
}


class Refused(NamedTuple):
    code: str


Q, R, L, P, F = Phase.QUESTION, Phase.REVEAL, Phase.LEADERBOARD, Phase.PAUSED, Phase.FINISHED
NOT_STARTED, STARTED = Refused("not_started"), Refused("already_started")
NO_QUESTION, NOT_PAUSED = Refused("no_open_question"), Refused("not_paused")
PAUSED, NOT_IDLE = Refused("paused"), Refused("not_idle")
DONE = Refused("contest_finished")

# Outcome of each event in each scenario, as (one second later, IDLE_TIMEOUT_MS
# later); a single value means both. The later time is past every deadline.
E = Event
TABLE = {
    "lobby": {
        E.START: Q, E.NEXT: NOT_STARTED, E.CLOSE: NO_QUESTION, E.PAUSE: NOT_STARTED,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "question": {
        E.START: STARTED, E.NEXT: Refused("question_open"), E.CLOSE: R,
        E.PAUSE: (P, Refused("deadline_passed")), E.RESUME: NOT_PAUSED, E.END: F,
        E.EXPIRE: (Refused("deadline_not_passed"), R), E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "reveal": {
        E.START: STARTED, E.NEXT: L, E.CLOSE: NO_QUESTION, E.PAUSE: P,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "reveal_no_board": {
        E.START: STARTED, E.NEXT: Q, E.CLOSE: NO_QUESTION, E.PAUSE: P,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "reveal_last": {
        E.START: STARTED, E.NEXT: L, E.CLOSE: NO_QUESTION, E.PAUSE: P,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "reveal_last_no_board": {
        E.START: STARTED, E.NEXT: F, E.CLOSE: NO_QUESTION, E.PAUSE: P,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "leaderboard": {
        E.START: STARTED, E.NEXT: Q, E.CLOSE: NO_QUESTION, E.PAUSE: P,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "leaderboard_last": {
        E.START: STARTED, E.NEXT: F, E.CLOSE: NO_QUESTION, E.PAUSE: P,
        E.RESUME: NOT_PAUSED, E.END: F, E.EXPIRE: NO_QUESTION, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "paused_question": {
        E.START: STARTED, E.NEXT: PAUSED, E.CLOSE: PAUSED, E.PAUSE: Refused("already_paused"),
        E.RESUME: Q, E.END: F, E.EXPIRE: PAUSED, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "paused_reveal": {
        E.START: STARTED, E.NEXT: PAUSED, E.CLOSE: PAUSED, E.PAUSE: Refused("already_paused"),
        E.RESUME: R, E.END: F, E.EXPIRE: PAUSED, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "paused_leaderboard": {
        E.START: STARTED, E.NEXT: PAUSED, E.CLOSE: PAUSED, E.PAUSE: Refused("already_paused"),
        E.RESUME: L, E.END: F, E.EXPIRE: PAUSED, E.IDLE_TIMEOUT: (NOT_IDLE, F),
    },
    "finished": dict.fromkeys(Event, DONE),
}  # fmt: skip

CASES = [
    pytest.param(scenario, event, delay, id=f"{scenario}-{event}-{label}")
    for scenario in SCENARIOS
    for event in Event
    for delay, label in ((1000, "soon"), (IDLE_TIMEOUT_MS, "later"))
]


def test_table_covers_every_phase_and_event():
    """The transition table names every event in every scenario, and every phase."""
    assert all(set(row) == set(Event) for row in TABLE.values())
    assert {SCENARIOS[name]().phase for name in TABLE} == set(Phase)


@pytest.mark.parametrize(("scenario", "event", "delay"), CASES)
def test_transition_table(scenario, event, delay):
    """Each event in each phase either moves to the expected phase or is refused with its code."""
    state = SCENARIOS[scenario]()
    expected = TABLE[scenario][event]
    if isinstance(expected, tuple) and not isinstance(expected, Refused):
        expected = expected[0] if delay == 1000 else expected[1]
    now = state.changed_at + ms(delay)
    if isinstance(expected, Refused):
        with pytest.raises(IllegalTransition) as caught:
            transition(state, event, now=now)
        assert caught.value.code == expected.code
        assert caught.value.message
    else:
        after = transition(state, event, now=now)
        assert after.phase == expected
        assert after.seq == state.seq + 1
        assert after.changed_at == now


def test_transition_accepts_event_values_as_strings():
    """Events may be given as their string values, as they arrive over the socket."""
    assert transition(play(), "start", now=T0).phase == Phase.QUESTION


def test_unknown_event_is_a_programming_error():
    """An unknown event name raises ValueError rather than a user-facing refusal."""
    with pytest.raises(ValueError):
        transition(play(), "restart", now=T0)


def test_refusal_message_is_vietnamese():
    """A refusal carries a short code and a Vietnamese message."""
    with pytest.raises(IllegalTransition) as caught:
        transition(play(Event.END), Event.START, now=T0)
    assert caught.value.code == "contest_finished"
    assert caught.value.message == "Cuộc thi đã kết thúc."


def test_start_opens_the_first_question_with_its_deadline():
    """Start opens question 0 at `now` with a deadline one time limit later."""
    lobby = play()
    state = transition(lobby, Event.START, now=T0)
    assert (state.question_index, state.question_started_at, state.deadline) == (0, T0, T0 + ms(LIMITS[0]))


def test_start_without_questions_is_refused():
    """A contest with no questions cannot start."""
    with pytest.raises(IllegalTransition) as caught:
        transition(play(limits=()), Event.START, now=T0)
    assert caught.value.code == "no_questions"


def test_next_from_leaderboard_opens_the_following_question_with_its_own_limit():
    """The next question uses its own time limit."""
    board = SCENARIOS["leaderboard"]()
    now = board.changed_at + ms(5000)
    state = transition(board, Event.NEXT, now=now)
    assert (state.question_index, state.deadline) == (1, now + ms(LIMITS[1]))


def test_next_without_leaderboard_skips_it():
    """With the leaderboard off, next after a reveal goes straight to the next question."""
    state = transition(SCENARIOS["reveal_no_board"](), Event.NEXT, now=T0 + ms(60_000))
    assert (state.phase, state.question_index) == (Phase.QUESTION, 1)


def test_close_early_keeps_the_question():
    """Closing a question early reveals that same question."""
    question = SCENARIOS["question"]()
    state = transition(question, Event.CLOSE, now=question.changed_at + ms(10))
    assert (state.phase, state.question_index) == (Phase.REVEAL, 0)


def test_expire_needs_the_deadline_strictly_passed():
    """Expire is refused at the deadline itself and accepted a microsecond later."""
    question = SCENARIOS["question"]()
    with pytest.raises(IllegalTransition) as caught:
        transition(question, Event.EXPIRE, now=question.deadline)
    assert caught.value.code == "deadline_not_passed"
    later = question.deadline + timedelta(microseconds=1)
    assert transition(question, Event.EXPIRE, now=later).phase == Phase.REVEAL


def test_expire_twice_is_refused():
    """A second expire for the same question is refused, so a duplicate timer is harmless."""
    question = SCENARIOS["question"]()
    later = question.deadline + ms(1)
    revealed = transition(question, Event.EXPIRE, now=later)
    with pytest.raises(IllegalTransition) as caught:
        transition(revealed, Event.EXPIRE, now=later)
    assert caught.value.code == "no_open_question"


def test_pause_stores_remaining_time_and_resume_sets_a_new_deadline():
    """Resume gives back exactly the time that was left when pausing."""
    question = SCENARIOS["question"]()
    paused = transition(question, Event.PAUSE, now=question.question_started_at + ms(6_500))
    assert paused.paused_remaining_ms == LIMITS[0] - 6_500
    assert time_left_ms(paused, now=T0 + ms(999_999)) == LIMITS[0] - 6_500
    resumed_at = paused.changed_at + ms(120_000)
    resumed = transition(paused, Event.RESUME, now=resumed_at)
    assert resumed.deadline == resumed_at + ms(LIMITS[0] - 6_500)
    assert resumed.paused_phase is None and resumed.paused_remaining_ms is None


def test_resume_shifts_the_start_so_the_pause_is_not_answer_time():
    """After a pause, an answer's time counts only the time the question was open."""
    question = SCENARIOS["question"]()
    paused = transition(question, Event.PAUSE, now=question.question_started_at + ms(4_000))
    resumed = transition(paused, Event.RESUME, now=paused.changed_at + ms(60_000))
    assert resumed.deadline - resumed.question_started_at == ms(LIMITS[0])
    assert elapsed_ms(received_at=resumed.changed_at, started_at=resumed.question_started_at) == 4_000


def test_finish_reasons():
    """Finishing records why: completed after the last question, ended by the host, or idle."""
    last_board = SCENARIOS["leaderboard_last"]()
    assert transition(last_board, Event.NEXT, now=T0 + ms(999_000)).finish_reason == FinishReason.COMPLETED
    assert play(Event.START, Event.END).finish_reason == FinishReason.ENDED
    idle = transition(play(), Event.IDLE_TIMEOUT, now=T0 + ms(IDLE_TIMEOUT_MS))
    assert idle.finish_reason == FinishReason.IDLE


def test_finishing_clears_the_clock():
    """A finished contest has no deadline or pause left."""
    state = play(Event.START, Event.PAUSE, Event.END)
    assert (state.question_started_at, state.deadline, state.paused_phase, state.paused_remaining_ms) == (
        None,
        None,
        None,
        None,
    )


def test_idle_timeout_counts_from_the_last_transition():
    """Idle time restarts at every transition."""
    state = play(Event.START, Event.CLOSE)
    with pytest.raises(IllegalTransition):
        transition(state, Event.IDLE_TIMEOUT, now=state.changed_at + ms(IDLE_TIMEOUT_MS - 1))
    assert transition(state, Event.IDLE_TIMEOUT, now=state.changed_at + ms(IDLE_TIMEOUT_MS)).phase == F


@pytest.mark.parametrize(
    "changes",
    [
        {"question_index": 0},
        {"phase": Phase.QUESTION, "question_index": 0},
        {"phase": Phase.PAUSED},
        {"paused_phase": Phase.REVEAL},
        {"phase": Phase.FINISHED},
        {"time_limits_ms": (0,)},
        {"phase": Phase.REVEAL, "question_index": 3},
    ],
)
def test_inconsistent_states_cannot_be_built(changes):
    """ContestState rejects combinations of fields that no transition produces."""
    with pytest.raises(ValueError):
        dataclasses.replace(play(), **changes)


# should_close, time_left_ms ------------------------------------------------


def test_should_close():
    """A question closes when every player answered or its deadline passed."""
    question = SCENARIOS["question"]()
    soon, late = question.question_started_at + ms(1), question.deadline + ms(1)
    assert should_close(question, 3, 3, soon)
    assert not should_close(question, 2, 3, soon)
    assert not should_close(question, 0, 0, soon)
    assert should_close(question, 0, 0, late)
    assert not should_close(question, 0, 3, question.deadline)
    assert not should_close(SCENARIOS["reveal"](), 3, 3, late)
    assert not should_close(SCENARIOS["paused_question"](), 3, 3, late)


def test_time_left_ms():
    """Time left counts down during a question, never below zero, and is absent elsewhere."""
    question = SCENARIOS["question"]()
    assert time_left_ms(question, now=question.question_started_at) == LIMITS[0]
    assert time_left_ms(question, now=question.deadline + ms(5)) == 0
    assert time_left_ms(SCENARIOS["reveal"](), now=T0) is None


# Answer window ------------------------------------------------------------


def _refusal(state, **kwargs):
    arguments = {"question_index": 0, "received_at": state.changed_at + ms(1), "already_answered": False}
    try:
        check_answer_window(state, **arguments | kwargs)
    except InvalidAnswer as error:
        return error.code
    return None


def test_answer_window():
    """Answers are taken only for the open question, up to and including its deadline, once."""
    question = SCENARIOS["question"]()
    assert _refusal(question) is None
    assert _refusal(question, received_at=question.deadline) is None
    assert _refusal(question, received_at=question.deadline + timedelta(microseconds=1)) == "too_late"
    assert _refusal(question, already_answered=True) == "already_answered"
    assert _refusal(question, question_index=1) == "question_not_open"
    for scenario in ("lobby", "reveal", "leaderboard", "paused_question", "finished"):
        assert _refusal(SCENARIOS[scenario]()) == "question_not_open"


# Selections and judging ---------------------------------------------------

CHOICES = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    ("kind", "selected", "code"),
    [
        (QuestionKind.SINGLE, [], "empty"),
        (QuestionKind.SINGLE, ["x"], "unknown_choice"),
        (QuestionKind.SINGLE, ["a", "a"], "duplicate_choice"),
        (QuestionKind.SINGLE, ["a", "b"], "too_many"),
        (QuestionKind.TRUEFALSE, ["a", "b"], "too_many"),
        (QuestionKind.MULTIPLE, [], "empty"),
        (QuestionKind.MULTIPLE, ["a", "z"], "unknown_choice"),
        (QuestionKind.MULTIPLE, ["a", "b", "a"], "duplicate_choice"),
        (QuestionKind.ORDERING, ["a", "b", "c"], "incomplete_order"),
        (QuestionKind.ORDERING, ["a", "b", "c", "c"], "duplicate_choice"),
        (QuestionKind.ORDERING, ["a", "b", "c", "e"], "unknown_choice"),
    ],
)
def test_invalid_selections(kind, selected, code):
    """Malformed selections are refused with their code and a Vietnamese message."""
    with pytest.raises(InvalidAnswer) as caught:
        validate_selection(kind, selected, CHOICES)
    assert caught.value.code == code
    assert caught.value.message


@pytest.mark.parametrize(
    ("kind", "selected"),
    [
        ("single", ["c"]),
        ("truefalse", ["a"]),
        ("multiple", ["a"]),
        ("multiple", CHOICES),
        ("ordering", ["d", "c", "b", "a"]),
    ],
)
def test_valid_selections(kind, selected):
    """Well-formed selections pass validation."""
    validate_selection(kind, selected, CHOICES)


@pytest.mark.parametrize(
    ("kind", "selected", "correct", "expected"),
    [
        ("single", ["b"], ["b"], True),
        ("single", ["a"], ["b"], False),
        ("truefalse", ["t"], ["t"], True),
        ("truefalse", ["f"], ["t"], False),
        ("multiple", ["c", "a"], ["a", "c"], True),
        ("multiple", ["a"], ["a", "c"], False),
        ("multiple", ["a", "b", "c"], ["a", "c"], False),
        ("multiple", CHOICES, ["a", "c"], False),
        ("ordering", ["a", "b", "c"], ["a", "b", "c"], True),
        ("ordering", ["b", "a", "c"], ["a", "b", "c"], False),
    ],
)
def test_judge_answer(kind, selected, correct, expected):
    """Only the exact answer is right; partial multiple selections and near orderings are wrong."""
    assert judge_answer(kind, selected, correct) is expected


# Scoring ------------------------------------------------------------------


def score(*, t_ms: int, limit_ms: int = 20_000, correct: bool = True, late: bool = False) -> int:
    deadline = T0 + ms(limit_ms)
    received_at = deadline + timedelta(microseconds=1) if late else T0 + ms(t_ms)
    return score_answer(
        correct=correct, received_at=received_at, started_at=T0, deadline=deadline, time_limit_ms=limit_ms
    )


def test_instant_answer_scores_1000():
    assert score(t_ms=0) == 1000


def test_answer_at_the_deadline_scores_500():
    assert score(t_ms=20_000) == 500


def test_answer_at_half_time_scores_750():
    assert score(t_ms=10_000) == 750


def test_late_answer_scores_zero():
    assert score(t_ms=0, late=True) == 0


def test_wrong_answer_scores_zero():
    assert score(t_ms=0, correct=False) == 0


def test_partially_right_multiple_select_scores_zero():
    correct = judge_answer("multiple", ["a", "b"], ["a", "b", "c"])
    assert score(t_ms=0, correct=correct) == 0


def test_answer_before_the_start_is_clamped_to_zero_time():
    """Clock skew cannot earn more than 1000 points."""
    assert score(t_ms=-3_000) == 1000


def test_answer_time_beyond_the_limit_scores_at_least_500():
    """If a deadline leaves more than the time limit, the extra time costs nothing."""
    points = score_answer(
        correct=True, received_at=T0 + ms(25_000), started_at=T0, deadline=T0 + ms(30_000), time_limit_ms=20_000
    )
    assert points == 500


def test_scores_round_half_up():
    """999.5 rounds to 1000 and 998.5 to 999 (Python's round would give 998)."""
    assert score(t_ms=1, limit_ms=1000) == 1000
    assert score(t_ms=3, limit_ms=1000) == 999


def test_time_limit_must_be_positive():
    with pytest.raises(ValueError):
        score(t_ms=0, limit_ms=0)


@given(limit=st.integers(1, 120_000), t1=st.integers(-1000, 130_000), t2=st.integers(-1000, 130_000))
def test_score_is_between_500_and_1000_and_never_rises_with_time(limit, t1, t2):
    """A correct, on-time answer scores 500-1000, and answering later never scores more."""
    assume(t1 <= t2 <= limit)
    first, second = score(t_ms=t1, limit_ms=limit), score(t_ms=t2, limit_ms=limit)
    assert 500 <= second <= first <= 1000


# Ranking and teams --------------------------------------------------------


def test_rank_players_orders_by_score_then_time_then_id():
    """Higher score first; tied players are listed faster first, then by lower id."""
    rows = [
        PlayerTotals(player_id=5, score=900, answer_time_ms=4_000),
        PlayerTotals(player_id=3, score=1500, answer_time_ms=9_000),
        PlayerTotals(player_id=2, score=900, answer_time_ms=4_000),
        PlayerTotals(player_id=1, score=900, answer_time_ms=3_000),
        PlayerTotals(player_id=7, score=0, answer_time_ms=0),
    ]
    ranked = rank_players(rows)
    assert [r.player_id for r in ranked] == [3, 1, 2, 5, 7]


def test_equal_points_share_a_rank_and_the_next_rank_skips():
    """Competition ranking: 1, 2, 2, 2, 5; only the tied players are marked tied."""
    rows = [
        PlayerTotals(player_id=5, score=900, answer_time_ms=4_000),
        PlayerTotals(player_id=3, score=1500, answer_time_ms=9_000),
        PlayerTotals(player_id=2, score=900, answer_time_ms=4_000),
        PlayerTotals(player_id=1, score=900, answer_time_ms=3_000),
        PlayerTotals(player_id=7, score=0, answer_time_ms=0),
    ]
    ranked = rank_players(rows)
    assert [(r.rank, r.player_id, r.tied) for r in ranked] == [
        (1, 3, False), (2, 1, True), (2, 2, True), (2, 5, True), (5, 7, False)
    ]


def test_everyone_at_zero_points_shares_first_place():
    rows = [PlayerTotals(player_id=n, score=0, answer_time_ms=0) for n in (4, 2, 9)]
    assert [(r.rank, r.player_id, r.tied) for r in rank_players(rows)] == [(1, 2, True), (1, 4, True), (1, 9, True)]


def test_rank_no_players():
    assert rank_players([]) == []


totals = st.builds(
    PlayerTotals, player_id=st.integers(1, 10_000), score=st.integers(0, 5_000), answer_time_ms=st.integers(0, 10**6)
)


@given(rows=st.lists(totals, unique_by=lambda row: row.player_id, max_size=30), seed=st.integers())
def test_ranking_is_a_total_order_independent_of_input_order(rows, seed):
    """A rank is 1 + the number of players with more points; the order follows the tie-break key
    strictly and ignores the input order."""
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    ranked = rank_players(rows)
    assert ranked == rank_players(shuffled)
    for r in ranked:
        assert r.rank == 1 + sum(1 for other in rows if other.score > r.score)
        assert r.tied == (sum(1 for other in rows if other.score == r.score) > 1)
    keys = [(-r.score, r.answer_time_ms, r.player_id) for r in ranked]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [([], 0), ([1000], 1000), ([1000, 500], 750), ([1, 2], 2), ([1, 1, 2], 1), ([0, 0, 1], 0)],
)
def test_team_score_is_the_rounded_mean(scores, expected):
    """A team scores the mean of its members, rounded half up; an empty team scores 0."""
    assert team_score(scores) == expected


@given(st.lists(st.integers(0, 100_000), min_size=1, max_size=40))
def test_team_score_lies_between_the_weakest_and_strongest_member(scores):
    assert min(scores) <= team_score(scores) <= max(scores)


# Choice order -------------------------------------------------------------
#
# Reference values produced by the JavaScript twin on the device (the
# algorithm written out in contests/engine.py); both sides must match them.

FNV_VECTORS = [
    ("", 2166136261),
    ("a", 3826002220),
    ("foobar", 3214735720),
    ("player-7:0", 2869387002),
    ("Nguyễn:3", 3873628708),
]
MULBERRY_VECTORS = [
    (0, [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]),
    (1, [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]),
    (42, [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]),
    (4294967295, [0.8964226141106337, 0.189478256739676, 0.7156526781618595]),
]
ORDER_VECTORS = [
    ("player-7", 0, ["a", "b", "c", "d"], ["b", "a", "c", "d"]),
    ("player-7", 1, ["a", "b", "c", "d"], ["c", "d", "a", "b"]),
    ("Nguyễn", 3, ["A", "B", "C", "D", "E", "F"], ["E", "F", "C", "D", "B", "A"]),
    ("x", 0, ["only"], ["only"]),
    ("x", 0, [], []),
    ("k9Z", 12, ["1", "2", "3", "4", "5", "6", "7", "8"], ["6", "2", "4", "1", "7", "3", "5", "8"]),
]


@pytest.mark.parametrize(("text", "expected"), FNV_VECTORS)
def test_fnv1a32_vectors(text, expected):
    assert fnv1a32(text.encode()) == expected


@pytest.mark.parametrize(("seed", "expected"), MULBERRY_VECTORS)
def test_mulberry32_vectors(seed, expected):
    next_float = mulberry32(seed)
    assert [next_float() for _ in expected] == expected


@pytest.mark.parametrize(("seed", "index", "choices", "expected"), ORDER_VECTORS)
def test_choice_order_vectors(seed, index, choices, expected):
    assert choice_order(seed, index, choices) == expected


@given(seed=st.text(max_size=20), index=st.integers(0, 200), choices=st.lists(st.text(max_size=3), max_size=10))
def test_choice_order_is_a_deterministic_permutation(seed, index, choices):
    """The same player and question always see the same order of the same choices."""
    order = choice_order(seed, index, choices)
    assert sorted(order) == sorted(choices)
    assert order == choice_order(seed, index, list(choices))


@given(st.integers(0, 2**32 - 1))
def test_mulberry32_stays_in_unit_interval(seed):
    next_float = mulberry32(seed)
    assert all(0 <= next_float() < 1 for _ in range(20))


# PIN ----------------------------------------------------------------------


@given(st.integers())
def test_pin_has_six_digits_and_no_leading_zero(seed):
    pin = generate_pin(random.Random(seed))
    assert len(pin) == 6 and pin.isdigit() and pin[0] != "0"


def test_pin_is_reproducible_from_the_rng():
    assert generate_pin(random.Random(7)) == generate_pin(random.Random(7))


# Simulation ---------------------------------------------------------------
#
# A tiny server over the pure functions: the host fires random events, the
# server timer ticks, and players send answers (sometimes to a stale or a
# future question, sometimes twice, sometimes late). The ledger is what the
# database would hold.

PLAYERS = 3

# Mostly short gaps, so several answers land inside one question, and some
# long ones, so deadlines pass before the timer ticks.
advances = st.integers(0, 1_500) | st.integers(0, 30_000)
host_steps = st.tuples(st.just("host"), st.sampled_from(Event), advances)
tick_steps = st.tuples(st.just("tick"), st.none(), advances)
answer_steps = st.tuples(
    st.just("answer"),
    st.tuples(st.integers(0, PLAYERS - 1), st.sampled_from([0, 0, 0, -1, 1]), st.booleans()),
    advances,
)
# A client resending its last answer, as after a double tap or a reconnect.
resend_steps = st.tuples(st.just("resend"), st.none(), advances)
# Players outnumber the host, so answers and resends are drawn more often.
sim_steps = st.one_of(answer_steps, answer_steps, resend_steps, resend_steps, host_steps, tick_steps)


@given(
    limits=st.lists(st.integers(3_000, 20_000), min_size=1, max_size=4),
    show_leaderboard=st.booleans(),
    steps=st.lists(sim_steps, min_size=20, max_size=60),
)
def test_simulated_contest_keeps_answers_sound(limits, show_leaderboard, steps):
    """No answer is counted twice, none earns over 1000 points, none is taken after its deadline."""
    now = T0
    lobby = new_contest(time_limits_ms=limits, show_leaderboard=show_leaderboard, now=now)
    state = transition(lobby, Event.START, now=now)
    ledger: dict[tuple[int, int], int] = {}
    last_answer = None
    for kind, payload, advance in steps:
        now += ms(advance)
        before = state
        if kind == "resend":
            kind, payload = "answer", last_answer
            if payload is None:
                continue
        if kind == "host":
            try:
                state = transition(state, payload, now=now)
            except IllegalTransition as error:
                assert error.code and error.message
        elif kind == "tick":
            answered = sum(1 for player, index in ledger if index == state.question_index)
            if should_close(state, answered, PLAYERS, now):
                event = Event.EXPIRE if now > state.deadline else Event.CLOSE
                state = transition(state, event, now=now)
        else:
            last_answer = payload
            player, offset, correct = payload
            index = state.question_index + offset
            try:
                check_answer_window(
                    state, question_index=index, received_at=now, already_answered=(player, index) in ledger
                )
            except InvalidAnswer:
                continue
            assert (player, index) not in ledger
            points = score_answer(
                correct=correct,
                received_at=now,
                started_at=state.question_started_at,
                deadline=state.deadline,
                time_limit_ms=state.time_limits_ms[index],
            )
            assert now <= state.deadline
            assert 0 <= points <= MAX_POINTS
            assert not correct or points >= MAX_POINTS // 2
            ledger[(player, index)] = points
        assert state.seq in (before.seq, before.seq + 1)
        assert state.question_index >= before.question_index
        if state.phase == Phase.QUESTION:
            assert state.deadline - state.question_started_at == ms(limits[state.question_index])
    assert all(0 <= index < len(limits) for _, index in ledger)
    for player in range(PLAYERS):
        assert sum(p for (who, _), p in ledger.items() if who == player) <= MAX_POINTS * len(limits)
