"""Fan-out of live-contest frames: the only module that talks to the channel layer.

Callers (services, inside `transaction.on_commit`) hand over a frame once;
it is serialised here once and every socket of the audience writes the same
text. Per-player additions (own points, score, rank) travel in the same
channel-layer message as a small map, and each player's socket merges its
own entry in as `you` without re-serialising the shared part.

Today this is one `group_send` per audience; the scale-out changes only the
inside of this module (one message per worker process, relayed to local
sockets), not its callers.
"""

import asyncio
import json
import logging
import os
from enum import Enum
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

from contests import events

logger = logging.getLogger(__name__)

_outboxes: dict[asyncio.AbstractEventLoop, asyncio.Queue] = {}


class Audience(Enum):
    EVERYONE = "everyone"
    HOST = "host"


def _group(contest_id: int, audience: Audience) -> str:
    if audience is Audience.HOST:
        return events.host_group(contest_id)
    return events.everyone_group(contest_id)


def serialise(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


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
        "text": serialise(frame),
        "personal": {str(pid): value for pid, value in (personal or {}).items()},
    }
    _deliver(_group(contest_id, audience), message)


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


def publish_kick(contest_id: int, player_id: int) -> None:
    """Tell the kicked player's sockets to close."""
    message: events.KickPayload = {"type": events.KICK, "player": player_id}
    _deliver(events.everyone_group(contest_id), message)


async def subscribe(channel_name: str, contest_id: int, *, host: bool) -> None:
    """Start delivering the contest's frames to one socket (and host frames to a host's)."""
    layer = get_channel_layer()
    await layer.group_add(events.everyone_group(contest_id), channel_name)
    if host:
        await layer.group_add(events.host_group(contest_id), channel_name)


async def unsubscribe(channel_name: str, contest_id: int) -> None:
    layer = get_channel_layer()
    await layer.group_discard(events.everyone_group(contest_id), channel_name)
    await layer.group_discard(events.host_group(contest_id), channel_name)


def frame_text(message: events.FramePayload, player_id: int | None) -> str:
    """The text one socket writes: the shared frame, with the player's own part merged in."""
    text = message["text"]
    own = message["personal"].get(str(player_id)) if player_id is not None else None
    if own is None:
        return text
    # The shared text is a JSON object: splice `"you": …` in before its closing brace.
    return f'{text[:-1]},"you":{serialise(own)}}}'
