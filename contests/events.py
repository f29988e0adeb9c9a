"""Channel-layer names of live contests: groups, message types and payloads, in one place.

A channel-layer message of type `contest.frame` is handled by a consumer's
`contest_frame` method (Channels replaces the dot with an underscore).
"""

from typing import Any, TypedDict

FRAME = "contest.frame"
"""A frame for every socket of an audience; handled by `contest_frame`."""
KICK = "contest.kick"
"""A player was removed; handled by `contest_kick`."""


class FramePayload(TypedDict):
    type: str
    text: str
    """The frame, serialised once for every receiver."""
    personal: dict[str, Any]
    """Per-player additions keyed by player id (as a string): merged in as `you`."""


class KickPayload(TypedDict):
    type: str
    player: int


def everyone_group(contest_id: int) -> str:
    """The players and the host of one contest."""
    return f"contest.{int(contest_id)}.all"


def host_group(contest_id: int) -> str:
    """Only the host screens of one contest."""
    return f"contest.{int(contest_id)}.host"
