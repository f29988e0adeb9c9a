"""Pure rules of a live contest: phases, answers, scoring, ranking.

Nothing here touches the database, the channel layer or the clock: callers pass
plain data and the current time (`now`, an aware datetime) in, and get plain
data or an exception with a short snake_case `code` and a Vietnamese `message`
back. Services persist the result and broadcast it.

Phases::

    lobby --start--> question --close/expire--> reveal --next--> leaderboard
                        ^                          |                  |
                        +-------------next---------+-------next-------+
    reveal/leaderboard --next (after the last question)--> finished
    question/reveal/leaderboard --pause--> paused --resume--> (the same phase)
    any phase but finished --end/idle_timeout--> finished

Rounding: every rounding in this module is round-half-up done in exact integer
arithmetic (`_div_round_half_up`), which is what JavaScript's `Math.round`
does for the non-negative values involved, so the device can show the same
numbers the server stores.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from enum import StrEnum

MAX_POINTS = 1000
IDLE_TIMEOUT_MS = 30 * 60 * 1000
"""By default, a contest whose state has not changed for this long may be closed as idle."""


class Phase(StrEnum):
    LOBBY = "lobby"
    QUESTION = "question"
    REVEAL = "reveal"
    LEADERBOARD = "leaderboard"
    PAUSED = "paused"
    FINISHED = "finished"


class Event(StrEnum):
    START = "start"
    NEXT = "next"
    CLOSE = "close"
    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    EXPIRE = "expire"
    IDLE_TIMEOUT = "idle_timeout"


class FinishReason(StrEnum):
    COMPLETED = "completed"
    ENDED = "ended"
    IDLE = "idle"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"
    ORDERING = "ordering"


class EngineError(Exception):
    """A refused request: `code` is for programs, `message` is shown to users."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class IllegalTransition(EngineError):
    """The event is not allowed in the current phase."""


class InvalidAnswer(EngineError):
    """The answer is malformed or cannot be accepted now."""


@dataclasses.dataclass(frozen=True)
class ContestState:
    """Everything the rules need to know about a running contest.

    - `question_index`: -1 in the lobby (and when ended from the lobby),
      otherwise the index of the current or last shown question.
    - `time_limits_ms`: one positive limit per question, in order;
      `question_count` is derived from it.
    - `question_started_at` / `deadline`: set when a question opens. Resuming a
      paused question moves both forward by the pause, so that
      `deadline - question_started_at` is always the time limit and answer
      times never include the pause. Both are kept through reveal and
      leaderboard and cleared when finished.
    - `paused_phase`: the phase to return to, set only while paused.
    - `paused_remaining_ms`: the time left on the question, set only while a
      question is paused.
    - `show_leaderboard`: whether `next` after a reveal shows the leaderboard.
    - `seq`: incremented by every transition, so clients can drop stale
      messages and services can detect a concurrent change.
    - `changed_at`: time of the last transition, for the idle rule.
    - `finish_reason`: set only when finished.
    - `idle_timeout_ms`: how long without a change before the contest may be
      closed as idle (configurable per deployment).
    """

    phase: Phase
    question_index: int
    time_limits_ms: tuple[int, ...]
    show_leaderboard: bool
    changed_at: datetime
    question_started_at: datetime | None = None
    deadline: datetime | None = None
    paused_phase: Phase | None = None
    paused_remaining_ms: int | None = None
    seq: int = 0
    finish_reason: FinishReason | None = None
    idle_timeout_ms: int = IDLE_TIMEOUT_MS

    def __post_init__(self) -> None:
        if any(limit <= 0 for limit in self.time_limits_ms):
            raise ValueError("time limits must be positive")
        lowest_index = -1 if self.phase in (Phase.LOBBY, Phase.FINISHED) else 0
        if not lowest_index <= self.question_index < self.question_count:
            raise ValueError(f"question_index {self.question_index} out of range")
        if self.phase == Phase.LOBBY and self.question_index != -1:
            raise ValueError("the lobby has no current question")
        if self.phase == Phase.QUESTION and (self.question_started_at is None or self.deadline is None):
            raise ValueError("an open question needs a start and a deadline")
        if (self.phase == Phase.PAUSED) != (self.paused_phase is not None):
            raise ValueError("paused_phase is set exactly when paused")
        if self.paused_phase not in (None, *_PAUSABLE):
            raise ValueError(f"cannot pause from {self.paused_phase}")
        if (self.paused_phase == Phase.QUESTION) != (self.paused_remaining_ms is not None):
            raise ValueError("paused_remaining_ms is set exactly when a question is paused")
        if (self.phase == Phase.FINISHED) != (self.finish_reason is not None):
            raise ValueError("finish_reason is set exactly when finished")

    @property
    def question_count(self) -> int:
        return len(self.time_limits_ms)

    @property
    def is_last_question(self) -> bool:
        return self.question_index == self.question_count - 1


_PAUSABLE = (Phase.QUESTION, Phase.REVEAL, Phase.LEADERBOARD)


def new_contest(*, time_limits_ms: Sequence[int], show_leaderboard: bool = True, now: datetime) -> ContestState:
    """Return the lobby state of a contest with these question time limits."""
    return ContestState(
        phase=Phase.LOBBY,
        question_index=-1,
        time_limits_ms=tuple(time_limits_ms),
        show_leaderboard=show_leaderboard,
        changed_at=now,
    )


# Transitions --------------------------------------------------------------


_MESSAGES = {
    "contest_finished": "Cuộc thi đã kết thúc.",
    "already_started": "Cuộc thi đã bắt đầu.",
    "no_questions": "Cuộc thi chưa có câu hỏi nào.",
    "not_started": "Cuộc thi chưa bắt đầu.",
    "question_open": "Câu hỏi vẫn đang mở, hãy đóng câu hỏi trước.",
    "no_open_question": "Không có câu hỏi nào đang mở.",
    "deadline_not_passed": "Câu hỏi vẫn còn thời gian trả lời.",
    "deadline_passed": "Câu hỏi đã hết giờ.",
    "paused": "Cuộc thi đang tạm dừng, hãy tiếp tục trước.",
    "already_paused": "Cuộc thi đang tạm dừng.",
    "not_paused": "Cuộc thi không ở trạng thái tạm dừng.",
    "not_idle": "Cuộc thi vẫn đang hoạt động.",
}


def _refuse(code: str) -> IllegalTransition:
    return IllegalTransition(code, _MESSAGES[code])


def _ms(delta: timedelta) -> int:
    """Whole milliseconds in `delta`, rounded down."""
    return delta // timedelta(milliseconds=1)


def _open_question(state: ContestState, index: int, now: datetime) -> dict:
    return {
        "phase": Phase.QUESTION,
        "question_index": index,
        "question_started_at": now,
        "deadline": now + timedelta(milliseconds=state.time_limits_ms[index]),
    }


def _finish(reason: FinishReason) -> dict:
    return {
        "phase": Phase.FINISHED,
        "finish_reason": reason,
        "question_started_at": None,
        "deadline": None,
        "paused_phase": None,
        "paused_remaining_ms": None,
    }


def _advance(state: ContestState, now: datetime) -> dict:
    """Open the next question, or finish after the last one."""
    if state.is_last_question:
        return _finish(FinishReason.COMPLETED)
    return _open_question(state, state.question_index + 1, now)


def _start(state: ContestState, now: datetime) -> dict:
    if state.phase != Phase.LOBBY:
        raise _refuse("already_started")
    if state.question_count == 0:
        raise _refuse("no_questions")
    return _open_question(state, 0, now)


def _next(state: ContestState, now: datetime) -> dict:
    match state.phase:
        case Phase.REVEAL if state.show_leaderboard:
            return {"phase": Phase.LEADERBOARD}
        case Phase.REVEAL | Phase.LEADERBOARD:
            return _advance(state, now)
        case Phase.LOBBY:
            raise _refuse("not_started")
        case Phase.QUESTION:
            raise _refuse("question_open")
        case _:
            raise _refuse("paused")


def _close(state: ContestState, now: datetime) -> dict:
    if state.phase == Phase.PAUSED:
        raise _refuse("paused")
    if state.phase != Phase.QUESTION:
        raise _refuse("no_open_question")
    return {"phase": Phase.REVEAL}


def _expire(state: ContestState, now: datetime) -> dict:
    close = _close(state, now)
    # Answers received exactly at the deadline still count, so the question
    # expires only strictly after it.
    if now <= state.deadline:
        raise _refuse("deadline_not_passed")
    return close


def _pause(state: ContestState, now: datetime) -> dict:
    match state.phase:
        case Phase.QUESTION if now > state.deadline:
            raise _refuse("deadline_passed")
        case Phase.QUESTION:
            return {
                "phase": Phase.PAUSED,
                "paused_phase": Phase.QUESTION,
                "paused_remaining_ms": _ms(state.deadline - now),
            }
        case Phase.REVEAL | Phase.LEADERBOARD:
            return {"phase": Phase.PAUSED, "paused_phase": state.phase}
        case Phase.LOBBY:
            raise _refuse("not_started")
        case _:
            raise _refuse("already_paused")


def _resume(state: ContestState, now: datetime) -> dict:
    if state.phase != Phase.PAUSED:
        raise _refuse("not_paused")
    changes = {"phase": state.paused_phase, "paused_phase": None, "paused_remaining_ms": None}
    if state.paused_phase == Phase.QUESTION:
        deadline = now + timedelta(milliseconds=state.paused_remaining_ms)
        limit = timedelta(milliseconds=state.time_limits_ms[state.question_index])
        changes |= {"deadline": deadline, "question_started_at": deadline - limit}
    return changes


def _end(state: ContestState, now: datetime) -> dict:
    return _finish(FinishReason.ENDED)


def _idle_timeout(state: ContestState, now: datetime) -> dict:
    if _ms(now - state.changed_at) < state.idle_timeout_ms:
        raise _refuse("not_idle")
    return _finish(FinishReason.IDLE)


_HANDLERS: dict[Event, Callable[[ContestState, datetime], dict]] = {
    Event.START: _start,
    Event.NEXT: _next,
    Event.CLOSE: _close,
    Event.PAUSE: _pause,
    Event.RESUME: _resume,
    Event.END: _end,
    Event.EXPIRE: _expire,
    Event.IDLE_TIMEOUT: _idle_timeout,
}


def transition(state: ContestState, event: Event | str, *, now: datetime) -> ContestState:
    """Return the state after `event` at `now`, or raise IllegalTransition.

    Transition table (anything else is refused):

    - start: lobby -> question 0.
    - next: reveal -> leaderboard if `show_leaderboard`, else like leaderboard;
      leaderboard -> next question, or finished after the last one.
    - close: question -> reveal, at any time.
    - expire: question -> reveal, only once `now` is after the deadline.
    - pause: question (before its deadline), reveal, leaderboard -> paused.
    - resume: paused -> the paused phase; a question gets `now + remaining`.
    - end: any phase but finished -> finished.
    - idle_timeout: any phase but finished -> finished, once nothing has
      changed for `idle_timeout_ms`.
    """
    handler = _HANDLERS[Event(event)]
    if state.phase == Phase.FINISHED:
        raise _refuse("contest_finished")
    changes = handler(state, now)
    return dataclasses.replace(state, **changes, seq=state.seq + 1, changed_at=now)


def should_close(state: ContestState, answered_count: int, player_count: int, now: datetime) -> bool:
    """Whether the open question should close: everyone answered, or time is up."""
    if state.phase != Phase.QUESTION:
        return False
    everyone_answered = player_count > 0 and answered_count >= player_count
    return everyone_answered or now > state.deadline


def time_left_ms(state: ContestState, *, now: datetime) -> int | None:
    """Milliseconds left to answer, or None when no question is open or paused."""
    if state.phase == Phase.QUESTION:
        return max(0, _ms(state.deadline - now))
    return state.paused_remaining_ms


# Answers ------------------------------------------------------------------


_ANSWER_MESSAGES = {
    "empty": "Bạn chưa chọn đáp án nào.",
    "unknown_choice": "Đáp án không hợp lệ.",
    "duplicate_choice": "Một đáp án bị chọn nhiều lần.",
    "too_many": "Chỉ được chọn một đáp án.",
    "incomplete_order": "Hãy sắp xếp đủ tất cả các mục.",
    "question_not_open": "Câu hỏi này không nhận câu trả lời lúc này.",
    "too_late": "Đã hết giờ trả lời.",
    "already_answered": "Bạn đã trả lời câu hỏi này rồi.",
}


def _invalid(code: str) -> InvalidAnswer:
    return InvalidAnswer(code, _ANSWER_MESSAGES[code])


def check_answer_window(
    state: ContestState, *, question_index: int, received_at: datetime, already_answered: bool
) -> None:
    """Raise InvalidAnswer unless an answer to `question_index` may be recorded now.

    An answer received exactly at the deadline is on time. The database
    constraint on (player, question) keeps `already_answered` true under
    concurrency; this check gives the friendly message.
    """
    if state.phase != Phase.QUESTION or question_index != state.question_index:
        raise _invalid("question_not_open")
    if received_at > state.deadline:
        raise _invalid("too_late")
    if already_answered:
        raise _invalid("already_answered")


def validate_selection(kind: QuestionKind | str, selected_ids: Sequence[str], choice_ids: Sequence[str]) -> None:
    """Raise InvalidAnswer unless `selected_ids` is a well-formed answer."""
    kind = QuestionKind(kind)
    if not selected_ids:
        raise _invalid("empty")
    known = set(choice_ids)
    if any(selected not in known for selected in selected_ids):
        raise _invalid("unknown_choice")
    if len(set(selected_ids)) != len(selected_ids):
        raise _invalid("duplicate_choice")
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUEFALSE) and len(selected_ids) > 1:
        raise _invalid("too_many")
    if kind == QuestionKind.ORDERING and len(selected_ids) != len(known):
        raise _invalid("incomplete_order")


def judge_answer(kind: QuestionKind | str, selected_ids: Sequence[str], correct_ids: Sequence[str]) -> bool:
    """Whether a validated selection is right; for ordering, `correct_ids` is the key."""
    if QuestionKind(kind) == QuestionKind.ORDERING:
        return list(selected_ids) == list(correct_ids)
    # Single, true/false and multiple select: exactly the right set, nothing
    # partial, so a "select everything" answer to a multiple select scores 0.
    return set(selected_ids) == set(correct_ids)


def _div_round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, exactly; denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def elapsed_ms(*, received_at: datetime, started_at: datetime) -> int:
    """Answer time in whole milliseconds (rounded down), clamped at 0."""
    return max(0, _ms(received_at - started_at))


def score_answer(
    *,
    correct: bool,
    received_at: datetime,
    started_at: datetime,
    deadline: datetime,
    time_limit_ms: int,
) -> int:
    """Points for one answer: round(1000 × (1 − (t / T) / 2)) if correct and on time.

    t is `elapsed_ms` (clamped to [0, T]), T is `time_limit_ms`; so an instant
    answer earns 1000 and one at the deadline 500. Wrong or late answers earn 0.
    """
    if time_limit_ms <= 0:
        raise ValueError("time_limit_ms must be positive")
    if not correct or received_at > deadline:
        return 0
    t = min(elapsed_ms(received_at=received_at, started_at=started_at), time_limit_ms)
    return _div_round_half_up(MAX_POINTS * (2 * time_limit_ms - t), 2 * time_limit_ms)


# Ranking ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PlayerTotals:
    """A player's running totals; `answer_time_ms` is the sum the caller chose to keep."""

    player_id: int
    score: int
    answer_time_ms: int


@dataclasses.dataclass(frozen=True)
class RankedPlayer:
    rank: int
    player_id: int
    score: int
    answer_time_ms: int
    tied: bool = False
    """True when another player has the same score (and so the same rank)."""


def rank_players(rows: Iterable[PlayerTotals]) -> list[RankedPlayer]:
    """Order by score desc, then answer time asc, then player id asc.

    Equal points mean equal rank ("1, 2, 2, 4"): answer time and id only decide the
    order in which tied players are listed, which the screens explain.
    """
    ordered = sorted(rows, key=lambda row: (-row.score, row.answer_time_ms, row.player_id))
    per_score: dict[int, int] = {}
    for row in ordered:
        per_score[row.score] = per_score.get(row.score, 0) + 1
    ranked, rank = [], 0
    for position, row in enumerate(ordered, start=1):
        if position == 1 or row.score != ordered[position - 2].score:
            rank = position
        ranked.append(
            RankedPlayer(
                rank=rank,
                player_id=row.player_id,
                score=row.score,
                answer_time_ms=row.answer_time_ms,
                tied=per_score[row.score] > 1,
            )
        )
    return ranked


def team_score(member_scores: Iterable[int]) -> int:
    """Mean of the members' scores rounded half up; 0 for an empty team."""
    scores = list(member_scores)
    if not scores:
        return 0
    return _div_round_half_up(sum(scores), len(scores))


# Per-player choice order --------------------------------------------------
#
# The device mirrors this in JavaScript, so it is spelled out exactly:
#
#   fnv1a32(bytes): h = 0x811C9DC5; for each byte b: h = ((h ^ b) * 0x01000193) mod 2**32
#   key  = fnv1a32(UTF-8 bytes of seed + ":" + decimal question_index)
#   next = mulberry32(key)       (the well-known JS snippet, see below)
#   Fisher–Yates: for i from n - 1 down to 1: j = floor(next() * (i + 1)); swap items i, j
#
# In JavaScript: `Math.imul(h ^ b, 0x01000193) >>> 0` for the FNV step, and
#   function mulberry32(a) { return function () {
#     a |= 0; a = (a + 0x6D2B79F5) | 0;
#     let t = Math.imul(a ^ (a >>> 15), 1 | a);
#     t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
#     return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
# Both sides compute `next() * (i + 1)` exactly in doubles, so they agree.

_MASK32 = 0xFFFFFFFF


def fnv1a32(data: bytes) -> int:
    """32-bit FNV-1a hash of `data`."""
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & _MASK32
    return h


def mulberry32(seed: int) -> Callable[[], float]:
    """Return a generator of floats in [0, 1) identical to JavaScript's mulberry32."""
    a = seed & _MASK32

    def next_float() -> float:
        nonlocal a
        a = (a + 0x6D2B79F5) & _MASK32
        t = ((a ^ (a >> 15)) * (1 | a)) & _MASK32
        t = ((t + ((t ^ (t >> 7)) * (61 | t))) & _MASK32) ^ t
        return ((t ^ (t >> 14)) & _MASK32) / 4294967296

    return next_float


def choice_order(seed: str, question_index: int, choice_ids: Sequence[str]) -> list[str]:
    """The order in which one player sees the choices of one question."""
    next_float = mulberry32(fnv1a32(f"{seed}:{question_index}".encode()))
    order = list(choice_ids)
    for i in range(len(order) - 1, 0, -1):
        j = int(next_float() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def generate_pin(rng: random.Random) -> str:
    """A 6-digit join PIN that does not start with 0."""
    return str(rng.randint(100_000, 999_999))
