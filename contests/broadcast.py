"""Fan-out of live-contest frames: the only module that talks to the channel layer.

Callers (services, inside `transaction.on_commit`) hand over a frame once; it
is serialised here once and sent as one channel-layer message to the contest's
group. Each worker process subscribes to that group once per contest (a
`_Relay`), however many sockets of the contest it holds, and writes the same
text to each of its local sockets. Per-player additions (own points, score,
rank) travel in the same message as a small map; each player's socket gets its
own entry merged in as `you` without re-serialising the shared part.

So a broadcast costs one channel-layer message per process instead of one per
socket, and sockets need no channel of their own (consumers run without one).
"""

import asyncio
import json
import logging
import os
import weakref
from enum import Enum
from typing import Any, Protocol

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from contests import events

logger = logging.getLogger(__name__)

RECEIVE_RETRY_SECONDS = 0.5

_outboxes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Queue]" = weakref.WeakKeyDictionary()


class Audience(Enum):
    EVERYONE = "everyone"
    HOST = "host"


class Socket(Protocol):
    """What the relay needs of a consumer: who it is, and how to write to it."""

    is_host: bool
    player_id: int | None

    async def deliver(self, text: str) -> None: ...

    async def kicked(self) -> None: ...

    async def send_state(self) -> None: ...


def serialise(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


# Sending (any thread) ------------------------------------------------------------


def publish(
    contest_id: int,
    frame: dict[str, Any],
    *,
    audience: Audience = Audience.EVERYONE,
    personal: dict[int, dict[str, Any]] | None = None,
) -> None:
    """Send `frame` to every socket of `audience`; player `pid` also gets `personal[pid]` as `you`."""
    message: events.FramePayload = {
        "type": events.FRAME,
        "audience": audience.value,
        "seq": frame.get("seq"),
        "text": serialise(frame),
        "personal": {str(pid): value for pid, value in (personal or {}).items()},
    }
    _deliver(events.contest_group(contest_id), message)


def publish_kick(contest_id: int, player_id: int) -> None:
    """Tell the kicked player's sockets to close."""
    message: events.KickPayload = {"type": events.KICK, "player": player_id}
    _deliver(events.contest_group(contest_id), message)


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the server this thread works for, if it runs one (asgiref's record)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return getattr(SyncToAsync.threadlocal, "main_event_loop", None)


def _deliver(group: str, message: dict) -> None:
    """Hand the message to the server's loop without waiting for it, in order.

    A database thread must never block on the event loop: while a server shuts
    down, the loop is gone and a blocking send would hang the thread (and the
    shutdown) for ever. Plain synchronous callers (commands, tests) send now.
    """
    loop = _server_loop()
    if loop is None:
        async_to_sync(get_channel_layer().group_send)(group, message)
        return
    try:
        loop.call_soon_threadsafe(_enqueue, loop, group, message)
    except RuntimeError:
        logger.warning("event loop closed: frame for %s dropped", group)


def _enqueue(loop: asyncio.AbstractEventLoop, group: str, message: dict) -> None:
    queue = _outboxes.get(loop)
    if queue is None:
        queue = _outboxes[loop] = asyncio.Queue()
        loop.create_task(_drain(queue))
    queue.put_nowait((group, message))


async def _drain(queue: asyncio.Queue) -> None:
    """Send queued messages one at a time, so frames keep the order they were committed in."""
    layer = get_channel_layer()
    while True:
        group, message = await queue.get()
        try:
            await layer.group_send(group, message)
        except Exception:  # one failed send must not stop the ones after it
            logger.exception("broadcast to %s failed", group)


# Receiving (each worker process) ---------------------------------------------------


def frame_text(message: events.FramePayload, player_id: int | None) -> str:
    """The text one socket writes: the shared frame, with the player's own part merged in."""
    text = message["text"]
    own = message["personal"].get(str(player_id)) if player_id is not None else None
    if own is None:
        return text
    # The shared text is a JSON object: splice `"you": …` in before its closing brace.
    return f'{text[:-1]},"you":{serialise(own)}}}'


class _Relay:
    """This process's one subscription to a contest, writing each message to the local sockets."""

    def __init__(self, contest_id: int) -> None:
        self.contest_id = contest_id
        self.sockets: set[Socket] = set()
        self.relayed_seq: int | None = None
        self.missing_seq: int | None = None
        self.subscribed = asyncio.get_running_loop().create_future()
        self.task = asyncio.get_running_loop().create_task(self._listen())

    async def _listen(self) -> None:
        layer = get_channel_layer()
        group = events.contest_group(self.contest_id)
        try:
            channel = await layer.new_channel()
            await layer.group_add(group, channel)
        except Exception as error:
            self.subscribed.set_exception(error)
            raise
        self.subscribed.set_result(True)
        try:
            while True:
                try:
                    message = await layer.receive(channel)
                except Exception:  # the layer reconnects by itself; keep listening
                    logger.exception("contest %s: receiving from the channel layer failed", self.contest_id)
                    await asyncio.sleep(RECEIVE_RETRY_SECONDS)
                    continue
                await self._fan_out(message)
        finally:
            try:
                await asyncio.shield(layer.group_discard(group, channel))
            except Exception:
                logger.exception("contest %s: leaving the group failed", self.contest_id)

    async def _fan_out(self, message: dict) -> None:
        if message["type"] == events.KICK:
            for socket in [s for s in self.sockets if s.player_id == message["player"]]:
                await socket.kicked()
            return
        if message["seq"] is not None:
            self.relayed_seq = max(self.relayed_seq or 0, message["seq"])
        for_hosts_only = message["audience"] == Audience.HOST.value
        for socket in list(self.sockets):
            if for_hosts_only and not socket.is_host:
                continue
            try:
                await socket.deliver(frame_text(message, socket.player_id))
            except Exception:  # a socket closing mid-write (it unsubscribes next) must not stop the others
                logger.debug("contest %s: write to a socket failed", self.contest_id, exc_info=True)

    def catch_up(self, seq: int) -> bool:
        """Compare the contest's `seq` in the database with what came through; resync if frames were lost.

        Frames published while the channel layer was down (a Redis restart) never
        arrive, and if no later frame comes the screens would never notice. A seq
        that stays ahead of what was relayed for two ticks is such a loss: every
        local socket gets a fresh snapshot from the database.
        """
        if self.relayed_seq is None or seq <= self.relayed_seq:
            self.relayed_seq = max(self.relayed_seq or 0, seq)
            self.missing_seq = None
            return True
        if self.missing_seq != seq:
            self.missing_seq = seq  # it may still be on its way
            return False
        logger.warning("contest %s: frames up to seq %s were lost; resyncing", self.contest_id, seq)
        self.relayed_seq, self.missing_seq = seq, None
        asyncio.get_running_loop().create_task(self._resync())
        return True

    async def _resync(self) -> None:
        for socket in list(self.sockets):
            try:
                await socket.send_state()
            except Exception:
                logger.exception("contest %s: resync of a socket failed", self.contest_id)


_relays: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Relay]]" = weakref.WeakKeyDictionary()


async def subscribe(socket: Socket, contest_id: int) -> None:
    """Start delivering the contest's frames to `socket`; returns once frames flow."""
    relays = _relays.setdefault(asyncio.get_running_loop(), {})
    relay = relays.get(contest_id)
    if relay is None or relay.task.done():
        relay = relays[contest_id] = _Relay(contest_id)
    relay.sockets.add(socket)
    try:
        await asyncio.shield(relay.subscribed)
    except Exception:
        unsubscribe(socket, contest_id)
        raise


def catch_up(contest_id: int, seq: int) -> bool:
    """Tell this process's relay the contest's current seq; False while a frame is still awaited."""
    relay = _relays.get(asyncio.get_running_loop(), {}).get(contest_id)
    return relay is None or relay.catch_up(seq)


def unsubscribe(socket: Socket, contest_id: int) -> None:
    """Stop delivering to `socket`; the last socket of a contest ends the process's subscription."""
    relays = _relays.get(asyncio.get_running_loop(), {})
    relay = relays.get(contest_id)
    if relay is None:
        return
    relay.sockets.discard(socket)
    if not relay.sockets:
        relay.task.cancel()
        del relays[contest_id]
