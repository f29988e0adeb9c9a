"""Until the reveal, nothing a player or the projector receives tells a right answer from a wrong one.

Driven through the real ASGI application and channel layer: two players answer the
open question, one right and one wrong, then sync and reload; their frames must be
the same but for who they are. The projector's frames must not change when the
right and the wrong answer swap players.
"""

import random

import pytest
from channels.db import database_sync_to_async

from tests.contests.helpers import (
    correct_choices,
    drain,
    join_player,
    make_contest,
    open_host,
    open_socket,
    receive_until,
    session_cookie,
    wrong_choices,
)

pytestmark = pytest.mark.django_db(transaction=True)

VARYING = frozenset({"server_time", "deadline", "pin", "token", "seed", "remaining_ms"})


def normalised(value, names: dict[int, str], drop: frozenset[str] = VARYING):
    """A frame with the moment, the PIN and secrets dropped, player ids replaced by their role and
    choice ids (fresh in each contest) by their text."""
    if isinstance(value, dict):
        return {
            key: names.get(item, item) if key in ("id", "player") and isinstance(item, int | str)
            else normalised(item, names, drop)
            for key, item in value.items() if key not in drop
        }
    if isinstance(value, list):
        return [normalised(item, names, drop) for item in value]
    return value


async def _state_after(socket, message) -> dict:
    await socket.send_json_to(message)
    state, _ = await receive_until(socket, "state")
    return state


async def _reload(pin: str, token: str):
    """The page reloaded: a new socket resumes the player."""
    cookie = await database_sync_to_async(session_cookie)()
    socket = await open_socket(pin, headers=[cookie])
    await socket.send_json_to({"type": "resume", "token": token})
    joined = await socket.receive_json_from(timeout=3)
    state = await socket.receive_json_from(timeout=3)
    return socket, [joined, state]


async def _play_question(contest, host, players: dict, right: str, index: int) -> tuple[dict, list[dict]]:
    """`right` answers right, the other answerer wrong, the third stays silent (the question stays open);
    then both answerers sync and reload. Returns each answerer's frames and the host's, all before the reveal."""
    seen = {name: [] for name in ("A", "B")}
    for name in ("A", "B"):
        question, _before = await receive_until(players[name]["socket"], "question")  # the last reveal's frames
        seen[name].append(question)
    for name in ("A", "B"):
        choices = correct_choices(contest, index) if name == right else wrong_choices(contest, index)
        await players[name]["socket"].send_json_to({"type": "answer", "index": index, "choices": choices})
        _ack, frames = await receive_until(players[name]["socket"], "answer_ack")
        seen[name] += frames
    for name in ("A", "B"):
        seen[name].append(await _state_after(players[name]["socket"], {"type": "sync"}))
        seen[name] += await drain(players[name]["socket"])
    for name in ("A", "B"):
        await players[name]["socket"].disconnect()
        players[name]["socket"], frames = await _reload(contest.pin, players[name]["token"])
        seen[name] += frames + await drain(players[name]["socket"])
    host_frames = await drain(host, wait=0.2)
    assert all(frame["type"] != "reveal" for frames in (*seen.values(), host_frames) for frame in frames)
    return seen, host_frames


async def _game(world, right: str):
    contest = await database_sync_to_async(make_contest)(world, rng=random.Random(17))  # the same questions and ids
    host = await open_host(contest, world.teacher)
    players = {}
    for name in ("A", "B", "C"):
        socket, joined, _state = await join_player(contest.pin, f"Người chơi {name}")
        players[name] = {"socket": socket, "token": joined["token"], "id": joined["player"]}
    names = {player["id"]: name for name, player in players.items()}
    names |= {choice["id"]: choice["text"] for question in contest.questions for choice in question["choices"]}
    host_frames = await drain(host, wait=0.1)
    await host.send_json_to({"type": "start"})
    first, first_host = await _play_question(contest, host, players, right, 0)
    await host.send_json_to({"type": "close"})
    reveals = {name: (await receive_until(players[name]["socket"], "reveal"))[0]["you"] for name in ("A", "B")}
    await host.send_json_to({"type": "next"})
    await receive_until(host, "leaderboard")
    await host.send_json_to({"type": "next"})
    second, second_host = await _play_question(contest, host, players, right, 1)
    await host.send_json_to({"type": "end"})
    await receive_until(host, "finished")
    for socket in [host, *(player["socket"] for player in players.values())]:
        await socket.disconnect()
    return names, first, second, reveals, [*host_frames, *first_host, *second_host]


async def test_right_and_wrong_answerers_receive_the_same_frames_until_the_reveal(world):
    names, first, second, reveals, _host = await _game(world, right="A")
    assert reveals["A"]["points"] > 0 and reveals["B"]["points"] == 0

    anonymous = {key: "player" if isinstance(key, int) else text for key, text in names.items()}
    # On the second question the scores differ as the first reveal left them, and must stay so.
    for question, drop in ((first, VARYING | {"nickname"}), (second, VARYING | {"nickname", "score"})):
        a, b = (normalised(question[name], anonymous, drop) for name in ("A", "B"))
        assert a == b and len(a) >= 4
    states = [frame for frame in first["A"] + first["B"] if frame["type"] == "state"]
    assert len(states) == 4 and all(state["player"]["score"] == 0 for state in states)
    later = {name: [f for f in second[name] if f["type"] == "state"] for name in ("A", "B")}
    assert all(state["player"]["score"] == reveals["A"]["score"] for state in later["A"])
    assert all(state["player"]["score"] == 0 for state in later["B"])


async def test_the_projector_receives_the_same_frames_whoever_answers_right(world):
    a_right = await _game(world, right="A")
    b_right = await _game(world, right="B")
    assert normalised(a_right[4], a_right[0]) == normalised(b_right[4], b_right[0])
