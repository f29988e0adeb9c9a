"""Parsing of incoming WebSocket messages, shared by every consumer.

Any frame a client can send (text or binary, any bytes, any size up to the
server's cap) becomes either a JSON object with a string ``type`` or one error
code of docs/protocol.md; nothing raises. ``json.loads`` alone is not enough:
deep nesting raises ``RecursionError``, a binary frame may not be UTF-8, a text
frame may hold lone surrogates, and ``NaN``/``Infinity`` are not JSON.
"""

import json
from dataclasses import dataclass
from typing import Any

MAX_MESSAGE_BYTES = 4096
MAX_DEPTH = 8
"""Nesting a message may have; ours have two levels (the object and a list of choices)."""


@dataclass(frozen=True)
class BadMessage(Exception):
    code: str  # too_large, bad_json or bad_message


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _too_deep(raw: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (read before parsing, so no recursion)."""
    depth, in_string, escaped = 0, False, False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def parse_message(text_data: str | None, bytes_data: bytes | None, *, max_bytes: int = MAX_MESSAGE_BYTES) -> dict[str, Any]:
    """The message as a dict with a string ``type``; raises ``BadMessage`` with the error code otherwise."""
    if text_data is not None:
        try:
            data = text_data.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not text a browser can send
            raise BadMessage("bad_json") from None
    elif bytes_data is not None:
        data = bytes_data
    else:
        raise BadMessage("bad_json")
    if len(data) > max_bytes:
        raise BadMessage("too_large")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadMessage("bad_json") from None
    if _too_deep(raw, MAX_DEPTH):
        raise BadMessage("bad_json")
    try:
        content = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadMessage("bad_json") from None
    if not isinstance(content, dict) or not isinstance(content.get("type"), str):
        raise BadMessage("bad_message")
    return content
