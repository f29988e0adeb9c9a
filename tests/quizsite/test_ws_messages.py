"""Malformed WebSocket frames: the parser turns each into an error code, and every consumer answers it
with the documented error frame and stays usable."""

import json
import random

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from quizsite.asgi import application
from quizsite.ws_messages import MAX_DEPTH, BadMessage, parse_message
from tests.contests.helpers import ORIGIN, join_player, make_contest, open_host

NESTED_4KB = "[" * 2048 + "]" * 2048
NESTED_OBJECT = '{"type": "answer", "index": 0, "choices": ' + "[" * 1500 + "]" * 1500 + "}"


def _corpus() -> list[tuple[str | None, bytes | None]]:
    """Frames no client should send: nested, huge numbers, bad UTF-8, wrong types, oversized, random bytes."""
    frames: list[tuple[str | None, bytes | None]] = [
        (NESTED_4KB, None), (None, NESTED_4KB.encode()), (NESTED_OBJECT, None), ('{"a":' * 600 + "1" + "}" * 600, None),
        ("9" * 4000, None), ('{"type": "answer", "index": ' + "9" * 3000 + ', "choices": []}', None),
        ('{"type": "answer", "index": 1e999, "choices": []}', None), ('{"type": "kick", "player": ' + "9" * 40 + "}", None),
        ('{"type": "start", "seq": -' + "9" * 30 + "}", None), ('{"type": "answer", "index": NaN, "choices": []}', None),
        ("Infinity", None), (None, b"\xff\xfe\xfd"), (None, b'{"type": "ping"\xc3}'), ("\ud800", None),
        ('{"type": "ping", "x": "\ud83d"}', None), ("null", None), ("[]", None), ('"ping"', None), ("1", None),
        ('{"type": 1}', None), ('{"type": null}', None), ('{"type": ["ping"]}', None), ('{"type": {}}', None),
        ('{"type": "__init__"}', None), ('{"type": "on_ping"}', None), ('{"type": "sync", "extra": 1}', None),
        ('{"type": "answer", "index": "0", "choices": "a"}', None), ('{"type": "answer", "index": true, "choices": []}', None),
        ('{"type": "answer", "index": 0, "choices": [1, null, {}]}', None), ('{"type": "join", "nickname": 5}', None),
        ('{"type": "resume", "token": []}', None), ('{"type": "kick", "player": "1"}', None),
        ('{"type": "next", "seq": 1.5}', None), ("x" * 5000, None), (None, b"\x00" * 5000),
        ('{"type": "join", "nickname": "' + "ằ" * 1500 + '"}', None), ("", None), (None, b""), ("{", None),
        ('{"type": "ping"', None), ('{"type": "ping"}}', None), ("\x00", None),
    ]
    rng = random.Random(2026)
    for _ in range(40):
        frames.append((None, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))))
        text = json.dumps({"type": rng.choice(["answer", "join", "sync", "kick", "start", "x"]),
                           rng.choice(["index", "choices", "nickname", "player"]): rng.choice(
                               [[[]], {"a": [1]}, -(2**70), 2**64, "", None, 3.5, [["a"]]])})
        frames.append((text[: rng.randrange(1, len(text) + 1)], None))
    return frames


CORPUS = _corpus()


def test_deep_nesting_is_refused_before_parsing():
    for raw in (NESTED_4KB, NESTED_OBJECT):
        with pytest.raises(BadMessage) as refused:
            parse_message(raw, None)
        assert refused.value.code == "bad_json"
    assert parse_message('{"type": "x", "a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}", None)["type"] == "x"
    assert parse_message('{"type": "a[{", "b": "]]]]]]]]]]]]"}', None)["b"] == "]]]]]]]]]]]]"


@pytest.mark.parametrize(("text", "data", "code"), [
    ("x" * 5000, None, "too_large"), (None, b"\xff", "bad_json"), ("\ud800", None, "bad_json"),
    ("NaN", None, "bad_json"), ("[]", None, "bad_message"), ('{"type": 3}', None, "bad_message"),
    (None, None, "bad_json"),
])
def test_the_parser_names_what_is_wrong(text, data, code):
    with pytest.raises(BadMessage) as refused:
        parse_message(text, data)
    assert refused.value.code == code


def test_every_frame_of_the_corpus_parses_or_is_refused_with_a_documented_code():
    for text, data in CORPUS:
        try:
            content = parse_message(text, data)
        except BadMessage as refused:
            assert refused.code in {"too_large", "bad_json", "bad_message"}
        else:
            assert isinstance(content["type"], str)


async def _healthy_after_each(socket) -> None:
    for text, data in CORPUS:
        if not (text or data):
            continue  # an empty frame: the test client cannot send one (the parser test covers it)
        await socket.send_to(text_data=text, bytes_data=data)
        frame = await socket.receive_json_from(timeout=3)
        while frame["type"] not in ("error", "pong", "state"):  # broadcasts may come between
            frame = await socket.receive_json_from(timeout=3)
        if frame["type"] == "error":
            assert frame["code"] and frame["message"], frame
        await socket.send_json_to({"type": "ping"})
        frame = await socket.receive_json_from(timeout=3)
        while frame["type"] != "pong":
            assert frame["type"] != "error", frame
            frame = await socket.receive_json_from(timeout=3)


@pytest.fixture
def unlimited_rate(monkeypatch):
    """The corpus is sent faster than a person types: the rate limit is tested elsewhere."""
    from contests import consumers

    monkeypatch.setattr(consumers, "RATE_BURST", 10**6)
    monkeypatch.setattr(consumers, "RATE_PER_SECOND", 10**6)


@pytest.mark.django_db(transaction=True)
async def test_every_consumer_answers_malformed_frames_with_an_error_and_stays_usable(world, unlimited_rate):
    contest = await database_sync_to_async(make_contest)(world)
    health = WebsocketCommunicator(application, "/ws/health/", headers=[ORIGIN])
    assert (await health.connect())[0]
    lobby = WebsocketCommunicator(application, f"/ws/contests/{contest.pin}/play/", headers=[ORIGIN])
    assert (await lobby.connect())[0]
    player, _joined, _state = await join_player(contest.pin, "Cá Heo")
    host = await open_host(contest, world.teacher)
    for socket in (health, lobby, player, host):
        await _healthy_after_each(socket)
    assert await database_sync_to_async(lambda: contest.players.count())() == 1
    for socket in (health, lobby, player, host):
        await socket.disconnect()
