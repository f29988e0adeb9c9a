"""Channel-layer names of live contests: the group, message types and payloads, in one place.

Each worker process with sockets of a contest has one channel in the contest's
group (see `contests.broadcast`); the messages below are what travels on it.
"""

from typing import Any, TypedDict

FRAME = "contest.frame"
"""A frame for every socket of an audience (everyone, or only the host screens)."""
KICK = "contest.kick"
"""A player was removed: their sockets close."""


class FramePayload(TypedDict):
    type: str
    audience: str
    """`everyone` or `host`."""
    seq: int | None
    """The frame's `seq`, so a worker can tell when frames went missing."""
    text: str
    """The frame, serialised once for every receiver."""
    personal: dict[str, Any]
    """Per-player additions keyed by player id (as a string): merged in as `you`."""


class KickPayload(TypedDict):
    type: str
    player: int


def contest_group(contest_id: int) -> str:
    """The worker processes holding sockets of one contest."""
    return f"contest.{int(contest_id)}"
