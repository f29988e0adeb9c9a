"""The live-contest sockets against the real ASGI application."""

import asyncio
import json
import secrets

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from contests import consumers
from contests.models import Answer, Contest, Player
from contests.selectors import contest_ranking, contest_recomputed_totals
from quizsite.asgi import application
from tests.contests.helpers import (
    ORIGIN,
    correct_choices,
    drain,
    expire_now,
    join_player,
    make_contest,
    open_host,
    open_socket,
    receive_until,
    reload_contest,
    send_error_expected,
    session_cookie,
    wrong_choices,
)

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_KEYS = {"correct", "explanation", "is_correct"}


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value)) if value else set()
    return set()


@pytest.fixture
def contest(world):
    return make_contest(world)


async def test_a_full_game_from_lobby_to_podium(world, contest):
    """Players join, answer every question; reveal, leaderboard and podium follow; results are stored."""
    host = await open_host(contest, world.teacher)
    sockets = {}
    for name in ("Cá Heo", "Mèo Mun", "Gấu Trúc"):
        sockets[name], joined, state = await join_player(contest.pin, name)
        assert state["phase"] == "lobby" and state["player"]["nickname"] == name
        joined_frame, _ = await receive_until(host, "player_joined")
        assert joined_frame["player"]["nickname"] == name
    for index in range(contest.question_count):
        await host.send_json_to({"type": "start" if index == 0 else "next"})
        for socket in sockets.values():
            question, _ = await receive_until(socket, "question")
            assert question["index"] == index and question["count"] == contest.question_count
            assert "correct" not in question
        # Cá Heo answers right at once, Mèo Mun wrong, Gấu Trúc right but later.
        await sockets["Cá Heo"].send_json_to({"type": "answer", "index": index, "choices": correct_choices(contest, index)})
        await receive_until(sockets["Cá Heo"], "answer_ack")
        await sockets["Mèo Mun"].send_json_to({"type": "answer", "index": index, "choices": wrong_choices(contest, index)})
        await receive_until(sockets["Mèo Mun"], "answer_ack")
        await asyncio.sleep(0.05)
        await sockets["Gấu Trúc"].send_json_to({"type": "answer", "index": index, "choices": correct_choices(contest, index)})
        ack, _ = await receive_until(sockets["Gấu Trúc"], "answer_ack")
        assert ack == {"type": "answer_ack", "index": index, "late": False}
        # Everyone answered: the question closes by itself.
        reveal, _ = await receive_until(sockets["Cá Heo"], "reveal")
        assert reveal["correct"] == correct_choices(contest, index)
        assert reveal["you"]["correct"] and reveal["you"]["points"] > 500 and reveal["you"]["rank"] == 1
        wrong, _ = await receive_until(sockets["Mèo Mun"], "reveal")
        assert wrong["you"]["points"] == 0 and not wrong["you"]["correct"]
        counts, _ = await receive_until(host, "reveal")
        assert "you" not in counts and counts["answered"] == 3
        await host.send_json_to({"type": "next"})
        board, _ = await receive_until(sockets["Gấu Trúc"], "leaderboard")
        assert [row["nickname"] for row in board["top"]] == ["Cá Heo", "Gấu Trúc", "Mèo Mun"]
        assert board["you"]["rank"] == 2
    await host.send_json_to({"type": "next"})
    finished, _ = await receive_until(sockets["Mèo Mun"], "finished")
    assert [row["nickname"] for row in finished["podium"]] == ["Cá Heo", "Gấu Trúc", "Mèo Mun"]
    assert finished["you"]["rank"] == 3
    stored = await reload_contest(contest.pk)
    assert stored.phase == "finished"
    ranks = await database_sync_to_async(
        lambda: dict(Player.objects.filter(contest=contest).values_list("nickname", "final_rank"))
    )()
    assert ranks == {"Cá Heo": 1, "Gấu Trúc": 2, "Mèo Mun": 3}
    for socket in [host, *sockets.values()]:
        await socket.disconnect()


async def test_no_frame_before_the_reveal_contains_the_key(world, contest):
    """Every frame a player or the host gets before the reveal is free of the correct answer."""
    host = await open_host(contest, world.teacher)
    player, joined, state = await join_player(contest.pin, "Sóc Nâu")
    before = [joined, state]
    await host.send_json_to({"type": "start"})
    question, seen = await receive_until(player, "question")
    before += seen
    # A reload mid-question: the snapshot must not leak either.
    await player.disconnect()
    cookie = await database_sync_to_async(session_cookie)()
    player = await open_socket(contest.pin, headers=[cookie])
    await player.send_json_to({"type": "resume", "token": joined["token"]})
    before += [await player.receive_json_from(), await player.receive_json_from()]
    await player.send_json_to({"type": "answer", "index": 0, "choices": correct_choices(contest, 0)})
    reveal, seen = await receive_until(player, "reveal")
    before += seen[:-1]
    host_frames = await drain(host)
    before += [f for f in host_frames if f["type"] != "reveal"][: len(host_frames) - 1]
    assert before and all(not (keys_in(frame) & SECRET_KEYS) for frame in before), before
    assert "correct" in reveal
    await player.disconnect()
    await host.disconnect()


async def test_resume_keeps_the_player_score_and_answered_flag(world, contest):
    host = await open_host(contest, world.teacher)
    player, joined, _ = await join_player(contest.pin, "Thỏ Trắng")
    other, _, _ = await join_player(contest.pin, "Rùa Biển")
    await host.send_json_to({"type": "start"})
    await receive_until(player, "question")
    await player.send_json_to({"type": "answer", "index": 0, "choices": correct_choices(contest, 0)})
    await receive_until(player, "answer_ack")
    await player.disconnect()
    cookie = await database_sync_to_async(session_cookie)()
    again = await open_socket(contest.pin, headers=[cookie])
    await again.send_json_to({"type": "resume", "token": joined["token"]})
    rejoined = await again.receive_json_from()
    assert rejoined["player"] == joined["player"]
    state = await again.receive_json_from()
    assert state["phase"] == "question" and state["answered"] is True
    assert state["question"]["index"] == 0 and state["deadline"] > state["server_time"]
    assert state["player"]["score"] == 0  # the score of the last reveal: none yet
    await send_error_expected(again, {"type": "answer", "index": 0, "choices": correct_choices(contest, 0)},
                              "already_answered")
    for socket in (again, other, host):
        await socket.disconnect()


async def test_a_due_question_closes_without_the_host(world, contest):
    """No host socket at all: the players' worker closes the question once its deadline passed."""
    host = await open_host(contest, world.teacher)
    player, _, _ = await join_player(contest.pin, "Voi Con")
    second, _, _ = await join_player(contest.pin, "Cú Mèo")
    await host.send_json_to({"type": "start"})
    await receive_until(player, "question")
    await host.disconnect()
    await expire_now(contest.pk)
    reveal, _ = await receive_until(player, "reveal", timeout=4)
    assert reveal["index"] == 0 and reveal["you"]["answered"] is False
    await player.disconnect()
    await second.disconnect()


@pytest.mark.parametrize("headers", [[(b"origin", b"http://evil.example")], []])
async def test_foreign_or_missing_origin_is_refused(contest, headers):
    communicator = WebsocketCommunicator(application, f"/ws/contests/{contest.pin}/play/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.parametrize("actor", ["anonymous", "other_teacher", "student"])
async def test_the_host_socket_needs_the_owner_session(world, contest, actor):
    user = None if actor == "anonymous" else (world.students[0] if actor == "student" else world.other_teacher)
    cookie = await database_sync_to_async(session_cookie)(user)
    communicator = WebsocketCommunicator(
        application, f"/ws/contests/{contest.pin}/host/", headers=[ORIGIN, cookie]
    )
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_bad_messages_get_clear_errors_and_change_nothing(world, contest, monkeypatch):
    monkeypatch.setattr(consumers, "RATE_BURST", 100)
    host = await open_host(contest, world.teacher)
    cookie = await database_sync_to_async(session_cookie)()
    player = await open_socket(contest.pin, headers=[cookie])
    await send_error_expected(player, "not json", "bad_json")
    await send_error_expected(player, b"\xff\xfe", "bad_json")
    await send_error_expected(player, "[1, 2]", "bad_message")
    await send_error_expected(player, {"kind": "join"}, "bad_message")
    await send_error_expected(player, {"type": "dance"}, "unknown_type")
    await send_error_expected(player, {"type": "__class__"}, "unknown_type")
    await send_error_expected(player, {"type": "join", "nickname": "x" * 5000}, "too_large")
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": []}, "not_joined")
    await send_error_expected(player, {"type": "join"}, "bad_fields")
    await send_error_expected(player, {"type": "join", "nickname": 5}, "bad_fields")
    await send_error_expected(player, {"type": "join", "nickname": "Cá Heo", "extra": 1}, "bad_fields")
    await send_error_expected(player, {"type": "join", "nickname": "   "}, "nickname_empty")
    await send_error_expected(player, {"type": "join", "nickname": "A"}, "nickname_too_short")
    await send_error_expected(player, {"type": "join", "nickname": "Nguyễn Văn Quá Dài Dài Dài"}, "nickname_too_long")
    await send_error_expected(player, {"type": "join", "nickname": "đồ ngu"}, "nickname_offensive")
    await send_error_expected(player, {"type": "start"}, "not_host")
    await send_error_expected(player, {"type": "kick", "player": 1}, "not_host")
    other, _, _ = await join_player(contest.pin, "Cá Heo")
    await send_error_expected(player, {"type": "join", "nickname": "cá heo"}, "nickname_taken")
    await player.send_json_to({"type": "join", "nickname": "Hươu Sao"})
    joined = await player.receive_json_from()
    assert joined["type"] == "joined"
    await player.receive_json_from()
    await send_error_expected(player, {"type": "join", "nickname": "Hươu Sao"}, "already_joined")
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": ["x"]}, "question_not_open")
    await host.send_json_to({"type": "start"})
    await receive_until(player, "question")
    await send_error_expected(player, {"type": "answer", "index": 1, "choices": correct_choices(contest, 1)},
                              "question_not_open")
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": ["nope"]}, "unknown_choice")
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": [1]}, "bad_fields")
    await send_error_expected(player, {"type": "answer", "index": "0", "choices": []}, "bad_fields")
    await send_error_expected(player, {"type": "answer", "index": True, "choices": []}, "bad_fields")
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": []}, "empty")
    ids = [c["id"] for c in contest.questions[0]["choices"]]
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": ids[:2]}, "too_many")
    await send_error_expected(player, {"type": "answer", "index": 0, "choices": [ids[0], "x"], "points": 1000},
                              "bad_fields")
    assert await database_sync_to_async(Answer.objects.count)() == 0
    # Still usable after all that.
    await player.send_json_to({"type": "answer", "index": 0, "choices": correct_choices(contest, 0)})
    ack, _ = await receive_until(player, "answer_ack")
    assert ack["index"] == 0
    await drain(host)
    await send_error_expected(host, {"type": "kick", "player": "1"}, "bad_fields")
    await send_error_expected(host, {"type": "next", "seq": "x"}, "bad_fields")
    await send_error_expected(host, {"type": "start"}, "already_started")
    await send_error_expected(host, {"type": "close", "seq": 0}, "stale")
    for socket in (player, other, host):
        await socket.disconnect()


async def test_a_flood_is_rate_limited_then_closed(contest):
    cookie = await database_sync_to_async(session_cookie)()
    player = await open_socket(contest.pin, headers=[cookie])
    for _ in range(consumers.RATE_BURST + consumers.RATE_STRIKES + 5):
        await player.send_json_to({"type": "ping"})
    codes = []
    while True:
        output = await player.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output["code"] == consumers.CLOSE_RATE
            break
        codes.append(json.loads(output["text"]).get("code"))
    assert "rate_limited" in codes
    await player.disconnect()


async def test_unknown_pins_are_refused_and_guessing_is_limited(contest):
    cookie = await database_sync_to_async(session_cookie)()
    for attempt in range(12):
        socket = await open_socket("000000" if contest.pin != "000000" else "000001", headers=[cookie])
        frame = await socket.receive_json_from()
        assert frame["code"] == ("contest_not_found" if attempt < 10 else "too_many_attempts")
        await socket.disconnect()
    # Even the right PIN is refused to this session now; another session gets in.
    blocked = await open_socket(contest.pin, headers=[cookie])
    assert (await blocked.receive_json_from())["code"] == "too_many_attempts"
    await blocked.disconnect()
    fine, _, _ = await join_player(contest.pin, "Ong Vàng")
    await fine.disconnect()


async def _socket_from(pin: str, ip: str, headers=()) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, f"/ws/contests/{pin}/play/", headers=[ORIGIN, *headers])
    communicator.scope["client"] = [ip, 50000]
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_a_pin_guessing_script_cannot_keep_a_school_out(contest, settings):
    """Hundreds of wrong PINs from the school's address: the script is stopped, the class still gets in."""
    settings.CONTEST_PIN_FAILURES_PER_IP = 20
    settings.CONTEST_PIN_FAILURES_SESSIONLESS_PER_IP = 20
    school = f"203.0.113.{secrets.randbelow(200) + 20}-{secrets.token_hex(3)}"
    wrong = "000000" if contest.pin != "000000" else "000001"
    codes = []
    for _ in range(25):  # sockets without a session
        socket = await _socket_from(wrong, school)
        codes.append((await socket.receive_json_from())["code"])
        await socket.disconnect()
    assert codes == ["contest_not_found"] * 20 + ["too_many_attempts"] * 5
    for _ in range(25):  # and a fresh session for every guess
        cookie = await database_sync_to_async(session_cookie)()
        socket = await _socket_from(wrong, school, [cookie])
        assert (await socket.receive_json_from())["code"] == "contest_not_found"
        await socket.disconnect()
    blocked = await _socket_from(contest.pin, school)
    assert (await blocked.receive_json_from())["code"] == "too_many_attempts"
    await blocked.disconnect()

    def join_page():
        page = Client(REMOTE_ADDR=school)
        response = page.post(reverse("contest_join"), {"pin": contest.pin})
        return response.status_code, page.cookies[django_settings.SESSION_COOKIE_NAME].value

    for n in range(5):
        status, session_key = await database_sync_to_async(join_page)()
        assert status == 302
        cookie = (b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session_key}".encode())
        student = await _socket_from(contest.pin, school, [cookie])
        await student.send_json_to({"type": "join", "nickname": f"Học sinh {n}"})
        assert (await student.receive_json_from(timeout=3))["type"] == "joined"
        await student.disconnect()


async def test_a_kicked_player_cannot_come_back(world, contest):
    host = await open_host(contest, world.teacher)
    cookie = await database_sync_to_async(session_cookie)()
    player = await open_socket(contest.pin, headers=[cookie])
    await player.send_json_to({"type": "join", "nickname": "Khỉ Con"})
    joined = await player.receive_json_from()
    await player.receive_json_from()
    await host.send_json_to({"type": "kick", "player": joined["player"]})
    kicked, _ = await receive_until(player, "error")
    assert kicked["code"] == "kicked"
    assert (await player.receive_output(timeout=3))["type"] == "websocket.close"
    left, _ = await receive_until(host, "player_left")
    assert left["kicked"] is True and left["count"] == 0
    again = await open_socket(contest.pin, headers=[cookie])
    await send_error_expected(again, {"type": "join", "nickname": "Tên Khác"}, "kicked")
    await send_error_expected(again, {"type": "resume", "token": joined["token"]}, "kicked")
    for socket in (again, host):
        await socket.disconnect()


async def test_a_locked_lobby_refuses_newcomers(world, contest):
    host = await open_host(contest, world.teacher)
    first, _, _ = await join_player(contest.pin, "Hổ Con")
    await host.send_json_to({"type": "lock"})
    lobby, _ = await receive_until(first, "lobby")
    assert lobby["locked"] is True
    cookie = await database_sync_to_async(session_cookie)()
    late = await open_socket(contest.pin, headers=[cookie])
    await send_error_expected(late, {"type": "join", "nickname": "Cáo Nhỏ"}, "locked")
    for socket in (late, first, host):
        await socket.disconnect()


async def test_a_class_contest_admits_only_enrolled_students_by_login(world):
    contest = await database_sync_to_async(make_contest)(
        world, access=Contest.Access.CLASSES, classrooms=[world.classroom]
    )
    anonymous = await open_socket(contest.pin, headers=[await database_sync_to_async(session_cookie)()])
    await send_error_expected(anonymous, {"type": "join", "nickname": "Cá Voi"}, "login_required")
    outsider = await open_socket(contest.pin, headers=[await database_sync_to_async(session_cookie)(world.foreign_student)])
    await send_error_expected(outsider, {"type": "join", "nickname": "Cá Voi"}, "not_enrolled")
    player, joined, state = await join_player(contest.pin, "Chim Công", user=world.students[0])
    stored = await database_sync_to_async(Player.objects.get)(pk=joined["player"])
    assert stored.user_id == world.students[0].pk
    # The projector shows the nickname, never the real name.
    assert state["player"]["nickname"] == "Chim Công"
    # The same login joining again gets the same player back.
    again, rejoined, _ = await join_player(contest.pin, "Tên Khác", user=world.students[0])
    assert rejoined["player"] == joined["player"]
    for socket in (anonymous, outsider, player, again):
        await socket.disconnect()


async def test_fifty_players_answering_at_once_are_each_stored_once(world, contest):
    """50 simultaneous answers (and a second try from each): one row each, leaderboard = recomputation."""
    host = await open_host(contest, world.teacher)
    players = [await join_player(contest.pin, f"Người chơi {n:02d}") for n in range(50)]
    await host.send_json_to({"type": "start"})
    for socket, _, _ in players:
        await receive_until(socket, "question")

    async def answer(socket, n):
        choices = correct_choices(contest, 0) if n % 3 else wrong_choices(contest, 0)
        await socket.send_json_to({"type": "answer", "index": 0, "choices": choices})
        await socket.send_json_to({"type": "answer", "index": 0, "choices": choices})
        replies = []
        while len(replies) < 2:
            frame = await socket.receive_json_from(timeout=10)
            if frame["type"] in ("answer_ack", "error"):
                replies.append(frame.get("code", frame["type"]))
        return sorted(replies)

    replies = await asyncio.gather(*(answer(socket, n) for n, (socket, _, _) in enumerate(players)))
    for pair in replies:
        # The second try is refused: answered already, or (the last one) the question closed meanwhile.
        assert pair in (["already_answered", "answer_ack"], ["answer_ack", "question_not_open"]), pair
    assert await database_sync_to_async(Answer.objects.filter(question_index=0).count)() == 50
    reveal, _ = await receive_until(host, "reveal", timeout=10)
    assert reveal["answered"] == 50

    def leaderboard_matches():
        ranking = contest_ranking(contest.pk)
        recomputed = contest_recomputed_totals(contest.pk)
        return all(
            (row.score, row.answer_time_ms) == (recomputed[row.player_id].score, recomputed[row.player_id].answer_time_ms)
            for row in ranking
        ) and len(ranking) == len(recomputed) == 50

    assert await database_sync_to_async(leaderboard_matches)()
    for socket, _, _ in players:
        await socket.disconnect()
    await host.disconnect()
