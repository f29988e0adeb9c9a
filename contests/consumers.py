"""WebSocket consumers of live contests: parse, check, call a service, reply.

`receive` guards size, JSON and rate; `receive_json` dispatches on `type` to
small `on_<type>` handlers; the ORM is reached only through services and
selectors wrapped in `database_sync_to_async`. Sockets have no channel of
their own: the process's relay (`contests.broadcast`) writes each contest frame,
already serialised, straight to them (`deliver`), and answers go through the
process's group commit (`contests.group_commit`).
"""

import time

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests import broadcast, frames, group_commit, selectors, services, throttle, ticker
from contests.engine import EngineError, Event
from quizsite.ws_messages import MAX_MESSAGE_BYTES, BadMessage, parse_message

RATE_PER_SECOND = 10
RATE_BURST = 20
RATE_STRIKES = 20
"""Messages refused for rate before the connection is closed."""
MAX_CHOICES = 20
MAX_TEXT = 64
MAX_INT = 2**31 - 1
"""Integers in messages are ids, indexes and sequence numbers: larger ones are refused, not sent to the database."""

CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
CLOSE_RATE = 4429

HOST_ACTIONS = ("start", "next", "close", "pause", "resume", "end", "kick", "lock", "unlock")

_ERRORS = {
    "too_large": gettext_lazy("Thông điệp quá lớn (tối đa 4 KB)."),
    "bad_json": gettext_lazy("Thông điệp không phải JSON hợp lệ."),
    "bad_message": gettext_lazy("Thông điệp phải là một đối tượng JSON có trường type."),
    "unknown_type": gettext_lazy("Loại thông điệp không được hỗ trợ."),
    "bad_fields": gettext_lazy("Thông điệp thiếu trường hoặc có trường sai kiểu."),
    "not_host": gettext_lazy("Chỉ giáo viên tổ chức cuộc thi mới làm được thao tác này."),
    "not_joined": gettext_lazy("Hãy tham gia cuộc thi trước."),
    "already_joined": gettext_lazy("Bạn đã tham gia cuộc thi này rồi."),
    "rate_limited": gettext_lazy("Bạn gửi quá nhanh, hãy chậm lại."),
    "contest_not_found": gettext_lazy("Không tìm thấy cuộc thi với mã PIN này, hoặc cuộc thi đã kết thúc."),
    "too_many_attempts": gettext_lazy("Bạn đã thử quá nhiều lần, hãy đợi vài phút rồi thử lại."),
}


def _fields(content: dict, spec: dict[str, type]) -> dict | None:
    """The message's fields if they are exactly `spec` (plus `type`) with the right types."""
    if set(content) - {"type"} - set(spec) or not set(spec) <= set(content):
        return None
    for name, kind in spec.items():
        value = content[name]
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            return None
        if kind is int and not -MAX_INT <= value <= MAX_INT:
            return None
    return content


class _ContestConsumer(AsyncJsonWebsocketConsumer):
    channel_layer_alias = None  # frames come from the process's relay, not a channel per socket
    is_host = False
    contest_id: int | None = None
    player_id: int | None = None

    async def websocket_connect(self, message):
        self.tokens = float(RATE_BURST)
        self.refilled = time.monotonic()
        self.strikes = 0
        await super().websocket_connect(message)

    async def dispatch(self, message):
        """Run the handler without Channels' per-message hop to the database thread.

        The hop closes stale database connections; every ORM call here goes
        through `database_sync_to_async`, which does that itself, and paying it
        for each ping or answer would queue them behind the process's database work.
        """
        await getattr(self, get_handler_name(message))(message)

    async def disconnect(self, code):
        if self.contest_id is not None:
            broadcast.unsubscribe(self, self.contest_id)
            ticker.detach(self.contest_id)

    # Receiving ---------------------------------------------------------------

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.refilled) * RATE_PER_SECOND)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if not self._take_token():
            self.strikes += 1
            if self.strikes > RATE_STRIKES:
                await self.close(code=CLOSE_RATE)
            else:
                await self.send_error("rate_limited")
            return
        try:
            content = parse_message(text_data, bytes_data, max_bytes=MAX_MESSAGE_BYTES)
        except BadMessage as error:
            await self.send_error(error.code)
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs):
        handler = getattr(self, f"on_{content['type']}", None) if content["type"].isidentifier() else None
        if handler is None:
            await self.send_error(
                "not_host" if content["type"] in HOST_ACTIONS and not self.is_host else "unknown_type"
            )
            return
        try:
            await handler(content)
        except EngineError as error:
            await self.send_json({"type": "error", "code": error.code, "message": error.message})

    async def send_error(self, code: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": str(_ERRORS[code])})

    # Shared handlers ---------------------------------------------------------

    async def on_ping(self, content):
        await self.send_json({"type": "pong"})

    async def on_sync(self, content):
        if _fields(content, {}) is None:
            await self.send_error("bad_fields")
            return
        await self.send_state()

    async def send_state(self) -> None:
        state = await database_sync_to_async(frames.snapshot_for)(
            contest_id=self.contest_id, player_id=self.player_id, host=self.is_host, now=timezone.now()
        )
        await self.send(text_data=broadcast.serialise(state))

    async def start_following(self, contest_id: int) -> None:
        self.contest_id = contest_id
        await broadcast.subscribe(self, contest_id)
        ticker.attach(contest_id)

    # Called by the relay ---------------------------------------------------------

    async def deliver(self, text: str) -> None:
        await self.send(text_data=text)

    async def kicked(self) -> None:
        await self.send_json({"type": "error", "code": "kicked", "message": _("Bạn đã bị mời ra khỏi cuộc thi này.")})
        await self.close(code=CLOSE_FORBIDDEN)


class PlayerConsumer(_ContestConsumer):
    """`/ws/contests/<pin>/play/`: join or resume, answer, resync."""

    async def connect(self):
        self.session_key = getattr(self.scope.get("session"), "session_key", None) or ""
        self.ip = throttle.scope_ip(self.scope)
        self.pending_contest = None
        await self.accept()
        pin = self.scope["url_route"]["kwargs"]["pin"]
        if await database_sync_to_async(throttle.pin_guessing_blocked)(session_key=self.session_key, ip=self.ip):
            await self.send_error("too_many_attempts")
            await self.close(code=CLOSE_RATE)
            return
        try:
            contest = await database_sync_to_async(services.contest_find_open)(pin=pin)
        except EngineError:
            await database_sync_to_async(throttle.pin_guess_failed)(session_key=self.session_key, ip=self.ip)
            await self.send_error("contest_not_found")
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.pending_contest = contest.pk

    async def disconnect(self, code):
        if self.player_id is not None:
            await database_sync_to_async(services.player_left)(player_id=self.player_id)
        await super().disconnect(code)

    async def _welcome(self, player) -> None:
        self.player_id = player.pk
        await self.start_following(self.pending_contest)
        await self.send_json({"type": "joined", "player": player.pk, "token": player.token, "seed": player.seed})
        await self.send_state()

    async def on_join(self, content):
        fields = _fields(content, {"nickname": str})
        if fields is None or len(fields["nickname"]) > MAX_TEXT * 4:
            await self.send_error("bad_fields")
            return
        if self.player_id is not None:
            await self.send_error("already_joined")
            return
        allowed = await database_sync_to_async(throttle.join_allowed)(session_key=self.session_key, ip=self.ip)
        if not allowed:
            await self.send_error("too_many_attempts")
            return
        user = self.scope.get("user")
        player = await database_sync_to_async(services.player_join)(
            contest_id=self.pending_contest,
            nickname=fields["nickname"],
            user=user if user is not None and user.is_authenticated else None,
            session_key=self.session_key,
            now=timezone.now(),
        )
        await self._welcome(player)

    async def on_resume(self, content):
        fields = _fields(content, {"token": str})
        if fields is None or len(fields["token"]) > MAX_TEXT:
            await self.send_error("bad_fields")
            return
        if self.player_id is not None:
            await self.send_error("already_joined")
            return
        player = await database_sync_to_async(services.player_resume)(
            contest_id=self.pending_contest, token=fields["token"]
        )
        await self._welcome(player)

    async def on_answer(self, content):
        received_at = timezone.now()
        fields = _fields(content, {"index": int, "choices": list})
        if (
            fields is None
            or not 0 <= fields["index"] < 10_000
            or len(fields["choices"]) > MAX_CHOICES
            or not all(isinstance(c, str) and len(c) <= MAX_TEXT for c in fields["choices"])
        ):
            await self.send_error("bad_fields")
            return
        if self.player_id is None:
            await self.send_error("not_joined")
            return
        submission = services.Submission(
            player_id=self.player_id, question_index=fields["index"], choice_ids=fields["choices"],
            received_at=received_at,
        )
        receipt = await group_commit.submit(self.contest_id, submission)
        await self.send_json({"type": "answer_ack", "index": receipt.index, "late": receipt.late})

    async def on_sync(self, content):
        if self.player_id is None:
            await self.send_error("not_joined")
            return
        await super().on_sync(content)


class HostConsumer(_ContestConsumer):
    """`/ws/contests/<pin>/host/`: the contest owner's controls; needs their session."""

    is_host = True

    async def connect(self):
        user = self.scope.get("user")
        pin = self.scope["url_route"]["kwargs"]["pin"]
        contest_id = await database_sync_to_async(selectors.contest_hosted_by)(pin=pin, user=user)
        if contest_id is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self.start_following(contest_id)
        await self.send_state()

    async def _transition(self, content, event: Event) -> None:
        seq = content.get("seq")
        if set(content) - {"type", "seq"} or not (seq is None or type(seq) is int and 0 <= seq <= MAX_INT):
            await self.send_error("bad_fields")
            return
        await database_sync_to_async(services.contest_transition)(
            contest_id=self.contest_id, event=event, now=timezone.now(), expected_seq=seq
        )

    async def on_start(self, content):
        await self._transition(content, Event.START)

    async def on_next(self, content):
        await self._transition(content, Event.NEXT)

    async def on_close(self, content):
        await self._transition(content, Event.CLOSE)

    async def on_pause(self, content):
        await self._transition(content, Event.PAUSE)

    async def on_resume(self, content):
        await self._transition(content, Event.RESUME)

    async def on_end(self, content):
        await self._transition(content, Event.END)

    async def on_kick(self, content):
        fields = _fields(content, {"player": int})
        if fields is None:
            await self.send_error("bad_fields")
            return
        await database_sync_to_async(services.player_kick)(contest_id=self.contest_id, player_id=fields["player"])

    async def on_lock(self, content):
        await self._set_locked(content, True)

    async def on_unlock(self, content):
        await self._set_locked(content, False)

    async def _set_locked(self, content, locked: bool) -> None:
        if _fields(content, {}) is None:
            await self.send_error("bad_fields")
            return
        await database_sync_to_async(services.contest_set_locked)(contest_id=self.contest_id, locked=locked)
