"""Crashes mid-question: a restarted server and a dead host worker lose nothing acknowledged."""

import asyncio

import pytest

from contests.models import Answer, Contest, Player
from contests.selectors import contest_ranking, contest_recomputed_totals
from tests.conftest import free_port
from tests.contests.helpers import correct_choices, make_contest, make_quiz, session_cookie
from tests.contests.servers import Client, Daphne, server_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def cookie(user=None) -> str:
    return session_cookie(user)[1].decode()


def small_contest(world, **options) -> Contest:
    quiz = make_quiz(world.teacher, world.school, kinds=("single", "truefalse"))
    return make_contest(world, quiz=quiz, show_leaderboard=False, **options)


async def join(port, pin, nickname, session) -> tuple[Client, dict]:
    client = await Client(port, f"/ws/contests/{pin}/play/", session).connect()
    await client.send({"type": "join", "nickname": nickname})
    joined = await client.until("joined")
    await client.until("state")
    return client, joined


async def resume(client: Client, token: str) -> dict:
    await client.connect()
    await client.send({"type": "resume", "token": token})
    await client.until("joined")
    return await client.until("state")


def assert_totals_match_answers(contest_id: int) -> None:
    recomputed = contest_recomputed_totals(contest_id)
    for row in contest_ranking(contest_id):
        assert (row.score, row.answer_time_ms) == (recomputed[row.player_id].score, recomputed[row.player_id].answer_time_ms)


def test_a_server_restart_mid_question_loses_no_acknowledged_answer(world, tmp_path):
    contest = small_contest(world, time_limit_s=60)
    port = free_port()
    server = Daphne(port, server_env(port), tmp_path / "daphne.log").start()
    host_cookie = cookie(world.teacher)
    sessions = [cookie() for _ in range(3)]
    acknowledged: list[tuple[int, int]] = []

    async def play():
        host = await Client(port, f"/ws/contests/{contest.pin}/host/", host_cookie).connect()
        await host.until("state")
        players = [await join(port, contest.pin, f"Người chơi {n}", s) for n, s in enumerate(sessions)]
        await host.send({"type": "start"})
        for client, joined in players[:2]:
            await client.until("question")
            await client.send({"type": "answer", "index": 0, "choices": correct_choices(contest, 0)})
            ack = await client.until("answer_ack")
            acknowledged.append((joined["player"], ack["index"]))
        server.kill()
        server.start()
        # Everyone comes back by themselves and resumes where they were.
        states = [await resume(client, joined["token"]) for client, joined in players]
        assert [s["answered"] for s in states] == [True, True, False]
        assert all(s["phase"] == "question" and s["question"]["index"] == 0 for s in states)
        await host.connect()
        await host.until("state")
        last, joined = players[2]
        await last.send({"type": "answer", "index": 0, "choices": correct_choices(contest, 0)})
        acknowledged.append((joined["player"], (await last.until("answer_ack"))["index"]))
        reveal = await last.until("reveal")
        assert reveal["answered"] == 3
        await host.send({"type": "next"})
        for client, joined in players:
            await client.until("question")
            await client.send({"type": "answer", "index": 1, "choices": correct_choices(contest, 1)})
            acknowledged.append((joined["player"], (await client.until("answer_ack"))["index"]))
        await host.until("reveal")
        await host.send({"type": "next"})
        finished = await players[0][0].until("finished")
        for client in [host, *(c for c, _ in players)]:
            await client.close()
        return finished

    try:
        finished = asyncio.run(play())
    finally:
        server.stop()
    assert len(finished["podium"]) == 3
    stored = set(Answer.objects.values_list("player_id", "question_index"))
    assert set(acknowledged) <= stored and len(acknowledged) == 6
    assert Contest.objects.get(pk=contest.pk).phase == "finished"
    assert_totals_match_answers(contest.pk)


def test_a_question_closes_at_its_deadline_when_the_host_worker_dies(world, tmp_path, require_redis):
    """Host on worker A, players on worker B (shared Redis layer); A is killed, B closes the question."""
    contest = small_contest(world, time_limit_s=5)
    port_a, port_b = free_port(), free_port()
    prefix = f"{contest.pk}-{port_a}"
    worker_a = Daphne(port_a, server_env(port_a, redis_url=require_redis, prefix=prefix), tmp_path / "a.log").start()
    worker_b = Daphne(port_b, server_env(port_b, redis_url=require_redis, prefix=prefix), tmp_path / "b.log").start()
    host_cookie, sessions = cookie(world.teacher), [cookie(), cookie()]

    async def play():
        host = await Client(port_a, f"/ws/contests/{contest.pin}/host/", host_cookie).connect()
        await host.until("state")
        players = [await join(port_b, contest.pin, f"Người chơi {n}", s) for n, s in enumerate(sessions)]
        joined_frame = await host.until("player_joined")  # B's join reached the host on A
        assert joined_frame["count"] >= 1
        await host.send({"type": "start"})
        for client, _ in players:
            await client.until("question")
        await players[0][0].send({"type": "answer", "index": 0, "choices": correct_choices(contest, 0)})
        await players[0][0].until("answer_ack")
        worker_a.kill()
        reveals = [await client.until("reveal", timeout=15) for client, _ in players]
        for client, _ in players:
            await client.close()
        return reveals

    try:
        reveals = asyncio.run(play())
    finally:
        worker_a.stop()
        worker_b.stop()
    assert [r["you"]["answered"] for r in reveals] == [True, False]
    contest.refresh_from_db()
    assert contest.phase == "reveal" and contest.seq == 2
    assert Player.objects.filter(contest=contest).count() == 2
