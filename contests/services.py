"""Every write of a live contest: create, join, answer, transitions, kick, lock.

Each function runs in one transaction; `contests.engine` decides, these
functions persist, and frames go out through `contests.broadcast` only after
the commit. An answer is acknowledged (the function returns) only after its
transaction committed. Transitions are conditional updates on the contest's
sequence number, so any worker may close a due question and only one wins.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests import broadcast, engine, frames, selectors
from contests.broadcast import Audience
from contests.engine import EngineError, Event, FinishReason, Phase
from contests.models import TIME_LIMIT_MAX_S, TIME_LIMIT_MIN_S, Answer, Contest, Player, Team
from contests.nicknames import NicknameError, clean_nickname
from lessons.models import Question, Quiz
from schools.models import Classroom, Enrollment, School, User

TEAM_COUNT_MAX = 8


class Refused(EngineError):
    """A request the contest cannot accept now (code for programs, message for people)."""


_REFUSALS = {
    "contest_not_found": gettext_lazy("Không tìm thấy cuộc thi với mã PIN này, hoặc cuộc thi đã kết thúc."),
    "contest_finished": gettext_lazy("Cuộc thi đã kết thúc."),
    "kicked": gettext_lazy("Bạn đã bị mời ra khỏi cuộc thi này."),
    "locked": gettext_lazy("Phòng chờ đã khóa, không nhận thêm người chơi."),
    "login_required": gettext_lazy("Cuộc thi này dành cho học sinh các lớp được mời: hãy đăng nhập."),
    "not_enrolled": gettext_lazy("Cuộc thi này chỉ dành cho học sinh các lớp được mời."),
    "nickname_taken": gettext_lazy("Biệt danh này đã có người dùng, hãy chọn tên khác."),
    "unknown_token": gettext_lazy("Không tìm thấy lượt chơi để tiếp tục, hãy tham gia lại."),
    "unknown_player": gettext_lazy("Không tìm thấy người chơi này."),
    "stale": gettext_lazy("Màn hình chưa cập nhật trạng thái mới nhất, hãy thử lại."),
    "session_required": gettext_lazy("Trình duyệt chưa có phiên làm việc: hãy tải lại trang tham gia."),
}


def _refuse(code: str) -> Refused:
    return Refused(code, str(_REFUSALS[code]))


# Creating a contest -----------------------------------------------------------


def _choice_ids(count: int) -> list[str]:
    ids: set[str] = set()
    while len(ids) < count:
        ids.add(secrets.token_hex(4))
    return list(ids)


def _snapshot_question(question: Question, rng: random.Random) -> dict:
    """One question as stored in Contest.questions, with fresh opaque choice ids."""
    choices = list(question.choices.all())  # ordered by position: the right order for ordering questions
    ids = dict(zip((c.pk for c in choices), _choice_ids(len(choices)), strict=True))
    if question.kind == Question.Kind.ORDERING:
        correct = [ids[c.pk] for c in choices]
    else:
        correct = [ids[c.pk] for c in choices if c.is_correct]
    shown = choices[:]
    # The default order must say nothing about the key (least of all the
    # right order of an ordering question).
    for _attempt in range(10):
        rng.shuffle(shown)
        if len(shown) < 2 or [ids[c.pk] for c in shown] != correct:
            break
    return {
        "question_id": question.pk,
        "kind": question.kind,
        "text": question.text,
        "explanation": question.explanation,
        # "key" (the bank choice's key) stays on the server: frames copy only id and text.
        "choices": [{"id": ids[c.pk], "text": c.text, "key": c.key} for c in shown],
        "correct": correct,
    }


def _live_questions(quiz: Quiz):
    return quiz.questions.filter(is_retired=False, kind__in=Question.LIVE_KINDS).prefetch_related("choices")


def _new_pin(rng: random.Random) -> str:
    running = set(Contest.objects.exclude(phase=Phase.FINISHED).values_list("pin", flat=True))
    while True:
        pin = engine.generate_pin(rng)
        if pin not in running:
            return pin


def contest_create(
    *,
    owner: User,
    school: School | None,
    quiz: Quiz,
    title: str,
    access: str,
    classrooms: Sequence[Classroom] = (),
    play_mode: str = Contest.PlayMode.INDIVIDUAL,
    team_count: int = 0,
    time_limit_s: int = 20,
    shuffle_questions: bool = False,
    shuffle_choices: bool = True,
    show_leaderboard: bool = True,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> Contest:
    """Create a contest in its lobby with a fresh PIN: it is open for joining at once."""
    rng = rng or random.SystemRandom()
    now = now or timezone.now()
    questions = [_snapshot_question(q, rng) for q in _live_questions(quiz) if q.choices.all()]
    if not questions:
        raise ValidationError(_("Bộ câu hỏi này không có câu nào dùng được cho cuộc thi trực tiếp."))
    if not TIME_LIMIT_MIN_S <= time_limit_s <= TIME_LIMIT_MAX_S:
        raise ValidationError(_("Thời gian mỗi câu phải từ 5 đến 120 giây."))
    if access == Contest.Access.CLASSES and not classrooms:
        raise ValidationError(_("Hãy chọn ít nhất một lớp."))
    if play_mode == Contest.PlayMode.TEAMS and not 2 <= team_count <= TEAM_COUNT_MAX:
        raise ValidationError(_("Số đội phải từ 2 đến 8."))
    if shuffle_questions:
        rng.shuffle(questions)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                contest = Contest(
                    title=title, owner=owner, school=school, quiz=quiz, access=access, play_mode=play_mode,
                    time_limit_s=time_limit_s, shuffle_questions=shuffle_questions, shuffle_choices=shuffle_choices,
                    show_leaderboard=show_leaderboard, questions=questions, pin=_new_pin(rng), changed_at=now,
                )
                contest.full_clean(exclude=["pin", "questions"])
                contest.save()
                if access == Contest.Access.CLASSES:
                    contest.classrooms.set(classrooms)
                if play_mode == Contest.PlayMode.TEAMS:
                    Team.objects.bulk_create(
                        Team(contest=contest, number=n, name=_("Đội %(n)s") % {"n": n})
                        for n in range(1, team_count + 1)
                    )
                return contest
        except IntegrityError:
            continue  # another contest took the same PIN at the same moment
    raise ValidationError(_("Không tạo được mã PIN, hãy thử lại."))


# State <-> rows -------------------------------------------------------------------


def contest_state(contest: Contest) -> engine.ContestState:
    return engine.ContestState(
        phase=Phase(contest.phase),
        question_index=contest.question_index,
        time_limits_ms=(contest.time_limit_ms,) * contest.question_count,
        show_leaderboard=contest.show_leaderboard,
        changed_at=contest.changed_at,
        question_started_at=contest.question_started_at,
        deadline=contest.deadline,
        paused_phase=Phase(contest.paused_phase) if contest.paused_phase else None,
        paused_remaining_ms=contest.paused_remaining_ms,
        seq=contest.seq,
        finish_reason=FinishReason(contest.finish_reason) if contest.finish_reason else None,
        idle_timeout_ms=int(getattr(settings, "CONTEST_IDLE_TIMEOUT_S", engine.IDLE_TIMEOUT_MS // 1000)) * 1000,
    )


def _state_fields(state: engine.ContestState) -> dict:
    return {
        "phase": state.phase.value,
        "question_index": state.question_index,
        "question_started_at": state.question_started_at,
        "deadline": state.deadline,
        "paused_phase": state.paused_phase.value if state.paused_phase else "",
        "paused_remaining_ms": state.paused_remaining_ms,
        "seq": state.seq,
        "changed_at": state.changed_at,
        "finish_reason": state.finish_reason.value if state.finish_reason else "",
    }


def _locked_contest(contest_id: int) -> Contest:
    try:
        return Contest.objects.select_for_update().get(pk=contest_id)
    except Contest.DoesNotExist:
        raise _refuse("contest_not_found") from None


def _finish_ranks(contest: Contest) -> None:
    """Store every player's final rank once the contest is over."""
    ranked = selectors.contest_ranking(contest.pk)
    players = [Player(pk=row.player_id, final_rank=row.rank) for row in ranked]
    Player.objects.bulk_update(players, ["final_rank"], batch_size=500)


def _publish_phase(contest: Contest, now: datetime) -> None:
    """Build the phase frames inside the transaction, send them after the commit."""
    frame, personal = frames.phase_frames(contest, now=now)
    transaction.on_commit(partial(broadcast.publish, contest.pk, frame, personal=personal))
    if contest.phase == Phase.QUESTION and contest.paused_remaining_ms is None:
        host = frames.answers_frame(
            contest,
            count=selectors.answer_count(contest.pk, contest.question_index),
            total=selectors.active_player_count(contest.pk),
        )
        transaction.on_commit(partial(broadcast.publish, contest.pk, host, audience=Audience.HOST))


def _credit_question(contest: Contest, index: int) -> None:
    """Add the points of the answers to question ``index`` to their players' totals, in one statement.

    Called once, when the question is revealed (or the contest ends while it is open):
    until then every player's total is the one of the last reveal, so nothing a player
    or the projector receives before the reveal differs between right and wrong answers.
    Each player has at most one answer per question, so the subquery finds exactly it.
    """
    scored = Answer.objects.filter(player__contest_id=contest.pk, question_index=index, points__gt=0)
    own = Answer.objects.filter(player=OuterRef("pk"), question_index=index)
    Player.objects.filter(pk__in=scored.values("player_id")).update(
        score=F("score") + Subquery(own.values("points")),
        answer_time_ms=F("answer_time_ms") + Subquery(own.values("elapsed_ms")),
    )


def _apply(contest: Contest, event: Event, now: datetime) -> Contest:
    """Run `event` through the engine and store the result if nobody changed the contest meanwhile."""
    before = contest_state(contest)
    after = engine.transition(before, event, now=now)
    fields = _state_fields(after)
    if after.phase == Phase.FINISHED:
        fields["finished_at"] = now
    updated = Contest.objects.filter(
        pk=contest.pk, seq=before.seq, phase=before.phase.value, question_index=before.question_index
    ).update(**fields)
    if updated != 1:
        raise _refuse("stale")
    for name, value in fields.items():
        setattr(contest, name, value)
    question_was_open = Phase.QUESTION in (before.phase, before.paused_phase)
    if question_was_open and after.phase in (Phase.REVEAL, Phase.FINISHED):
        _credit_question(contest, before.question_index)
    if after.phase == Phase.FINISHED:
        _finish_ranks(contest)
    _publish_phase(contest, now)
    return contest


def contest_transition(*, contest_id: int, event: Event | str, now: datetime, expected_seq: int | None = None) -> Contest:
    """A host action (start, next, close, pause, resume, end); raises EngineError when refused."""
    with transaction.atomic():
        contest = _locked_contest(contest_id)
        if expected_seq is not None and expected_seq != contest.seq:
            raise _refuse("stale")
        return _apply(contest, Event(event), now)


def contest_tick(*, contest_id: int, now: datetime) -> Contest | None:
    """Close the open question once its deadline passed, or the whole contest once idle.

    Safe to call from every worker at once: a cheap read first, then the
    conditional update, which only one caller wins. Returns the contest as it
    stands, or None when it no longer exists.
    """
    contest = Contest.objects.filter(pk=contest_id).first()
    if contest is None:
        return None
    state = contest_state(contest)
    due = state.phase == Phase.QUESTION and now > state.deadline
    idle = state.phase != Phase.FINISHED and (now - state.changed_at).total_seconds() * 1000 >= state.idle_timeout_ms
    if not (due or idle):
        return contest
    try:
        with transaction.atomic():
            contest = _locked_contest(contest_id)
            return _apply(contest, Event.EXPIRE if due else Event.IDLE_TIMEOUT, now)
    except EngineError:
        return Contest.objects.filter(pk=contest_id).first()


def question_settle(*, contest_id: int, question_index: int, now: datetime) -> bool:
    """After answers to the open question committed: tell the host the count; close it once all answered.

    Runs under the contest's row lock, after the answers' own commit, so it
    counts every committed answer, also those another worker stored at the same
    moment (a count inside the answers' transaction cannot see those). True if
    this call closed the question.
    """
    with transaction.atomic():
        contest = _locked_contest(contest_id)
        if contest.phase != Phase.QUESTION or contest.question_index != question_index:
            return False
        answered = selectors.answer_count(contest_id, question_index)
        total = selectors.active_player_count(contest_id)
        host = frames.answers_frame(contest, count=answered, total=total)
        transaction.on_commit(partial(broadcast.publish, contest.pk, host, audience=Audience.HOST))
        if not engine.should_close(contest_state(contest), answered, total, now):
            return False
        _apply(contest, Event.EXPIRE if now > contest.deadline else Event.CLOSE, now)
        return True


def contest_set_locked(*, contest_id: int, locked: bool) -> Contest:
    with transaction.atomic():
        contest = _locked_contest(contest_id)
        if contest.phase == Phase.FINISHED:
            raise _refuse("contest_finished")
        contest.locked = locked
        contest.save(update_fields=["locked"])
        transaction.on_commit(partial(broadcast.publish, contest.pk, frames.lobby_frame(contest)))
        return contest


# Players ----------------------------------------------------------------------------


def contest_find_open(*, pin: str) -> Contest:
    """The running contest with this PIN, or Refused('contest_not_found')."""
    contest = Contest.objects.exclude(phase=Phase.FINISHED).filter(pin=pin).first()
    if contest is None:
        raise _refuse("contest_not_found")
    return contest


def _may_join(contest: Contest, user: User | None) -> None:
    if contest.access != Contest.Access.CLASSES:
        return
    if user is None:
        raise _refuse("login_required")
    enrolled = Enrollment.objects.filter(student=user, classroom__in=contest.classrooms.all()).exists()
    if not enrolled:
        raise _refuse("not_enrolled")


def _smallest_team(contest: Contest) -> Team | None:
    if contest.play_mode != Contest.PlayMode.TEAMS:
        return None
    return (
        contest.teams.annotate(size=Count("players", filter=Q(players__kicked=False))).order_by("size", "number").first()
    )


def _announce_player(contest: Contest, player: Player, *, joined: bool) -> None:
    count = selectors.active_player_count(contest.pk)
    host = {
        "type": "player_joined" if joined else "player_left",
        "seq": contest.seq,
        "player": frames.player_public(player),
        "count": count,
        "kicked": player.kicked,
    }
    transaction.on_commit(partial(broadcast.publish, contest.pk, host, audience=Audience.HOST))
    # Joins go to the host only: a lobby frame to every player on every join
    # would cost N² frames while a school fills its lobby.
    if contest.phase == Phase.LOBBY and player.kicked:
        transaction.on_commit(partial(broadcast.publish, contest.pk, frames.lobby_frame(contest)))


def player_join(
    *, contest_id: int, nickname: str, user: User | None, session_key: str, now: datetime
) -> Player:
    """Add a player, or return the one this login or browser session already has."""
    if not session_key:
        raise _refuse("session_required")
    with transaction.atomic():
        contest = Contest.objects.filter(pk=contest_id).first()
        if contest is None or contest.phase == Phase.FINISHED:
            raise _refuse("contest_finished")
        mine = Player.objects.filter(contest=contest, user=user) if user else Player.objects.none()
        mine = mine | Player.objects.filter(contest=contest, session_key=session_key)
        existing = list(mine.select_related("team", "user"))
        if any(p.kicked for p in existing):
            raise _refuse("kicked")
        if existing:
            return existing[0]
        _may_join(contest, user)
        if contest.locked:
            raise _refuse("locked")
        try:
            clean = clean_nickname(nickname)
        except NicknameError as error:
            raise Refused(f"nickname_{error.code}", error.message) from None
        if Player.objects.filter(contest=contest, nickname__iexact=clean).exists():
            raise _refuse("nickname_taken")
        try:
            with transaction.atomic():
                player = Player.objects.create(
                    contest=contest, user=user, team=_smallest_team(contest), nickname=clean,
                    token=secrets.token_urlsafe(32), seed=secrets.token_hex(4), session_key=session_key, joined_at=now,
                )
        except IntegrityError:
            raise _refuse("nickname_taken") from None
        _announce_player(contest, player, joined=True)
        return player


def player_resume(*, contest_id: int, token: str) -> Player:
    player = (
        Player.objects.filter(contest_id=contest_id, token=token).select_related("team", "user").first()
        if isinstance(token, str) and token
        else None
    )
    if player is None:
        raise _refuse("unknown_token")
    if player.kicked:
        raise _refuse("kicked")
    return player


def player_left(*, player_id: int) -> None:
    """Tell the host that a player's socket closed (the player keeps their place)."""
    player = Player.objects.select_related("contest", "team", "user").filter(pk=player_id).first()
    if player is None or player.kicked:
        return
    with transaction.atomic():
        _announce_player(player.contest, player, joined=False)


def player_kick(*, contest_id: int, player_id: int) -> Player:
    """Remove a player: their socket closes and neither their login nor their browser can rejoin."""
    with transaction.atomic():
        contest = _locked_contest(contest_id)
        player = Player.objects.filter(contest=contest, pk=player_id).select_related("team", "user").first()
        if player is None:
            raise _refuse("unknown_player")
        if not player.kicked:
            player.kicked = True
            player.save(update_fields=["kicked"])
            transaction.on_commit(partial(broadcast.publish_kick, contest.pk, player.pk))
            _announce_player(contest, player, joined=False)
        return player


# Answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerReceipt:
    """What a player is told after their answer committed: nothing about correctness."""

    index: int
    late: bool


@dataclass(frozen=True)
class Submission:
    """One player's answer as received by a socket."""

    player_id: int
    question_index: int
    choice_ids: Sequence[str]
    received_at: datetime


def _hold_open_question(contest_id: int) -> Contest | None:
    """Read the contest and keep a transition from committing until these answers have.

    On PostgreSQL a shared row lock: answers don't wait for each other, and a
    close waits for the answers already in flight (which then count), while an
    answer that arrives after the close sees the closed question. SQLite runs
    write transactions one at a time (IMMEDIATE), so a plain read is enough.
    """
    if connection.vendor == "postgresql":
        rows = list(Contest.objects.raw("SELECT * FROM contests_contest WHERE id = %s FOR SHARE", [contest_id]))
        return rows[0] if rows else None
    return Contest.objects.filter(pk=contest_id).first()


def _is_late(state: engine.ContestState, submission: Submission, *, already_answered: bool) -> bool:
    """Whether the answer came after the deadline (kept, worth nothing); raises when it is refused."""
    window = {"question_index": submission.question_index, "already_answered": already_answered}
    try:
        engine.check_answer_window(state, received_at=submission.received_at, **window)
    except engine.InvalidAnswer as error:
        if error.code != "too_late":
            raise
        # Late but otherwise acceptable? Ask again as if on time, for the other refusals.
        engine.check_answer_window(state, received_at=state.deadline, **window)
        return True
    return False


def _judge(
    contest: Contest, state: engine.ContestState, player: Player | None, submission: Submission, *,
    already_answered: bool,
) -> Answer:
    """The answer row for one submission, unsaved; raises EngineError when it is refused."""
    if player is None or player.kicked:
        raise _refuse("kicked")
    late = _is_late(state, submission, already_answered=already_answered)
    question = contest.questions[submission.question_index]
    choices = list(submission.choice_ids)
    engine.validate_selection(question["kind"], choices, [c["id"] for c in question["choices"]])
    correct = engine.judge_answer(question["kind"], choices, question["correct"])
    received_at = submission.received_at
    return Answer(
        player=player, question_index=submission.question_index, choices=choices, received_at=received_at,
        elapsed_ms=engine.elapsed_ms(received_at=received_at, started_at=contest.question_started_at),
        correct=correct, late=late,
        points=engine.score_answer(
            correct=correct, received_at=received_at, started_at=contest.question_started_at,
            deadline=contest.deadline, time_limit_ms=contest.time_limit_ms,
        ),
    )


def _already_answered() -> engine.InvalidAnswer:
    return engine.InvalidAnswer("already_answered", _("Bạn đã trả lời câu hỏi này rồi."))


def _insert_answers(answers: list[Answer]) -> list[Answer | engine.InvalidAnswer]:
    """Insert the rows at once; if another worker stored one of them meanwhile, row by row."""
    try:
        with transaction.atomic():
            Answer.objects.bulk_create(answers)
        return list(answers)
    except IntegrityError:
        pass
    stored: list[Answer | engine.InvalidAnswer] = []
    for answer in answers:
        try:
            with transaction.atomic():
                answer.save(force_insert=True)
            stored.append(answer)
        except IntegrityError:
            stored.append(_already_answered())
    return stored


def answers_submit(*, contest_id: int, submissions: Sequence[Submission]) -> list[AnswerReceipt | EngineError]:
    """Record a batch of answers to one contest in one transaction (a group commit).

    Returns one outcome per submission, in order: a receipt, or the EngineError
    refusing it. Returns only after the commit, so every receipt stands for a
    stored answer. Then call `question_settle` (the answer count for the host). Points
    reach the players' totals at the reveal (`_credit_question`).
    """
    with transaction.atomic():
        contest = _hold_open_question(contest_id)
        if contest is None:
            return [_refuse("contest_not_found")] * len(submissions)
        players = Player.objects.filter(contest_id=contest_id).only("pk", "kicked").in_bulk(
            {s.player_id for s in submissions}
        )
        answered = set(
            Answer.objects.filter(
                player__in=players, question_index__in={s.question_index for s in submissions}
            ).values_list("player_id", "question_index")
        )
        judged: list[Answer | EngineError] = []
        state = contest_state(contest)
        for submission in submissions:
            key = (submission.player_id, submission.question_index)
            try:
                judged.append(_judge(contest, state, players.get(submission.player_id), submission,
                                     already_answered=key in answered))
                answered.add(key)
            except EngineError as error:
                judged.append(error)
        inserted = iter(_insert_answers([a for a in judged if isinstance(a, Answer)]))
        outcomes = [next(inserted) if isinstance(a, Answer) else a for a in judged]
    return [AnswerReceipt(index=a.question_index, late=a.late) if isinstance(a, Answer) else a for a in outcomes]


def answer_submit(*, player_id: int, question_index: int, choice_ids: Sequence[str], now: datetime) -> AnswerReceipt:
    """One answer on its own (demo, commands): a batch of one, then settled; raises EngineError when refused."""
    contest_id = Player.objects.filter(pk=player_id).values_list("contest_id", flat=True).first()
    if contest_id is None:
        raise _refuse("kicked")
    submission = Submission(player_id=player_id, question_index=question_index, choice_ids=choice_ids, received_at=now)
    [outcome] = answers_submit(contest_id=contest_id, submissions=[submission])
    if isinstance(outcome, EngineError):
        raise outcome
    question_settle(contest_id=contest_id, question_index=question_index, now=now)
    return outcome
