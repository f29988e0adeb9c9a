"""Faults of live contests on real daphne workers.

A restarted server and a dead host worker lose nothing acknowledged; two
workers sharing one contest through Redis play it to the end; a Redis restart
mid-question loses frames but no answer, and clients resync from the database.
"""

import asyncio
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from contests import broadcast, selectors, services
from contests.engine import Event
from contests.models import Answer, Contest, Player
from contests.selectors import contest_ranking, contest_recomputed_totals
from tests.conftest import free_port, need
from tests.contests.helpers import correct_choices, make_contest, make_quiz, session_cookie, wrong_choices
from tests.contests.servers import REDIS_SERVER, Client, Daphne, Follower, RedisServer, server_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def spawn():
    """Start a Daphne or RedisServer; whatever was started is stopped at teardown, pass or fail."""
    started = []

    def start(process):
        started.append(process)
        return process.start()

    yield start
    for process in started:  # SIGTERM to all first: their shutdowns overlap
        if process.process and process.process.poll() is None:
            process.process.terminate()
    for process in reversed(started):
        process.stop()


@pytest.fixture
def require_postgres():
    need(connection.vendor == "postgresql", "needs PostgreSQL (set TEST_DATABASE_URL)")


@pytest.fixture
def private_redis(spawn, tmp_path):
    """A redis-server of this test's own on a free port: the test may kill and restart it."""
    need(Path(REDIS_SERVER).exists(), f"{REDIS_SERVER} not found")
    return spawn(RedisServer(free_port(), tmp_path / "redis.log"))


def two_workers(spawn, tmp_path, redis_url: str, contest: Contest) -> tuple[Daphne, Daphne]:
    """Two daphne workers on different free ports sharing one channel layer."""
    port_a = free_port()
    port_b = free_port()
    while port_b == port_a:
        port_b = free_port()
    prefix = f"{contest.pk}-{port_a}"
    return tuple(
        spawn(Daphne(port, server_env(port, redis_url=redis_url, prefix=prefix), tmp_path / f"{name}.log"))
        for name, port in (("a", port_a), ("b", port_b))
    )


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


def test_a_server_restart_mid_question_loses_no_acknowledged_answer(world, tmp_path, spawn):
    contest = small_contest(world, time_limit_s=60)
    port = free_port()
    server = spawn(Daphne(port, server_env(port), tmp_path / "daphne.log"))
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

    finished = asyncio.run(play())
    assert len(finished["podium"]) == 3
    stored = set(Answer.objects.values_list("player_id", "question_index"))
    assert set(acknowledged) <= stored and len(acknowledged) == 6
    assert Contest.objects.get(pk=contest.pk).phase == "finished"
    assert_totals_match_answers(contest.pk)


def test_a_question_closes_at_its_deadline_when_the_host_worker_dies(world, tmp_path, spawn, require_redis):
    """Host on worker A, players on worker B (shared Redis layer); A is killed, B closes the question."""
    contest = small_contest(world, time_limit_s=5)
    worker_a, worker_b = two_workers(spawn, tmp_path, require_redis, contest)
    port_a, port_b = worker_a.port, worker_b.port
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

    reveals = asyncio.run(play())  # the workers stop at teardown (`spawn`)
    assert [r["you"]["answered"] for r in reveals] == [True, False]
    contest.refresh_from_db()
    assert contest.phase == "reveal" and contest.seq == 2
    assert Player.objects.filter(contest=contest).count() == 2


# Two workers and a Redis restart -------------------------------------------------------------------------


async def join_follower(port: int, pin: str, nickname: str, session: str, **options) -> tuple[Follower, dict]:
    follower = await Follower.open(port, f"/ws/contests/{pin}/play/", session, **options)
    await follower.send({"type": "join", "nickname": nickname})
    joined = await follower.first("joined")
    await follower.first("state")
    return follower, joined


async def fill_lobby_and_start(host: Follower, players: list, contest, workers, sessions, on_host_worker: int, *,
                               gap_only=()) -> None:
    """Join every session (the first `on_host_worker` on the host's worker, the rest on the other), then start.

    Joined players are appended to `players` as they come, so the caller's cleanup closes them even on failure.
    """
    await host.first("state")
    for n, session in enumerate(sessions):
        worker = workers[0] if n < on_host_worker else workers[1]
        players.append(await join_follower(worker.port, contest.pin, f"Người chơi {n}", session,
                                           expect_by=n not in gap_only))
    await host.wait(lambda: any(f["count"] == len(sessions) for f in host.of_type("player_joined")),
                    what="every join announced to the host")
    await host.send({"type": "start", "seq": 0})


async def wait_all(*waits) -> None:
    await asyncio.gather(*waits)


async def close_all(*followers: Follower) -> None:
    await asyncio.gather(*(f.close() for f in followers), return_exceptions=True)


def assert_stored_exactly(contest: Contest, acknowledged: dict[tuple[int, int], bool]) -> None:
    """Every acknowledged answer stored once, judged as it was meant, and counted in the totals."""
    stored = list(Answer.objects.filter(player__contest=contest).values_list("player_id", "question_index", "correct",
                                                                              "points", "late"))
    assert sorted((p, i) for p, i, *_ in stored) == sorted(acknowledged)
    for player_id, index, correct, points, late in stored:
        assert correct == acknowledged[(player_id, index)] and not late
        assert (points > 0) == correct, (player_id, index, points)
    assert_totals_match_answers(contest.pk)
    sums: dict[int, int] = {}
    for player_id, _index, _correct, points, _late in stored:
        sums[player_id] = sums.get(player_id, 0) + points
    scores = dict(Player.objects.filter(contest=contest).values_list("pk", "score"))
    assert scores == {pk: sums.get(pk, 0) for pk in scores}


def assert_final_ranking(contest: Contest, finished_frames: dict[int, dict]) -> None:
    """Everyone's `finished` frame agrees with the ranking recomputed from the stored answers."""
    contest.refresh_from_db()
    assert contest.phase == "finished" and contest.finish_reason == "completed"
    ranking = contest_ranking(contest.pk)
    recomputed = contest_recomputed_totals(contest.pk)
    ranks = dict(Player.objects.filter(contest=contest).values_list("pk", "final_rank"))
    for row in ranking:
        assert row.score == recomputed[row.player_id].score
        assert ranks[row.player_id] == row.rank
    by_id = {row.player_id: row for row in ranking}
    for player_id, frame in finished_frames.items():
        assert frame["reason"] == "completed" and frame["total"] == len(ranking)
        assert (frame["you"]["score"], frame["you"]["rank"]) == (by_id[player_id].score, by_id[player_id].rank)
        assert [(p["player"], p["score"], p["rank"]) for p in frame["podium"]] == [
            (row.player_id, row.score, row.rank) for row in ranking[:3]
        ]


def test_two_workers_share_one_contest_to_the_end(world, tmp_path, spawn, require_redis, require_postgres):
    """Host on worker A; players on A and B (most on B only); every frame reaches everyone, live."""
    quiz = make_quiz(world.teacher, world.school, kinds=("single", "multiple", "truefalse", "ordering"))
    limit = 10
    contest = make_contest(world, quiz=quiz, show_leaderboard=True, time_limit_s=limit)
    count = contest.question_count
    worker_a, worker_b = two_workers(spawn, tmp_path, require_redis, contest)
    players_total, on_host_worker = 8, 3
    host_cookie, sessions = cookie(world.teacher), [cookie() for _ in range(players_total)]

    def plan(n: int, index: int) -> bool | None:
        """True: a correct answer, False: a wrong one, None: no answer (the host closes that question)."""
        if index == 2 and n == players_total - 1:
            return None
        return (n + index) % 3 != 0

    acknowledged: dict[tuple[int, int], bool] = {}
    closed_early: dict[int, bool] = {}  # the reveal came before the question's deadline

    async def play():
        host = await Follower.open(worker_a.port, f"/ws/contests/{contest.pin}/host/", host_cookie)
        players: list[tuple[Follower, dict]] = []
        try:
            await fill_lobby_and_start(host, players, contest, (worker_a, worker_b), sessions, on_host_worker)
            for index in range(count):
                await wait_all(*(p.first("question", index=index) for p, _ in players))

                async def answer(n: int, follower: Follower, joined: dict, index=index) -> None:
                    meant = plan(n, index)
                    if meant is None:
                        return
                    choices = correct_choices(contest, index) if meant else wrong_choices(contest, index)
                    await follower.send({"type": "answer", "index": index, "choices": choices})
                    ack = await follower.first("answer_ack", index=index)
                    assert ack["late"] is False
                    acknowledged[(joined["player"], index)] = meant

                await wait_all(*(answer(n, f, j) for n, (f, j) in enumerate(players)))
                answered = sum(plan(n, index) is not None for n in range(players_total))
                try:  # checked after the run, with every other question's outcome
                    await host.wait(lambda index=index, answered=answered: answered in [
                        f["count"] for f in host.of_type("answers", index=index)], timeout=3)
                except AssertionError:
                    pass
                if answered < players_total:
                    await host.send({"type": "close", "seq": host.seq})
                # Everyone answered (or the host closed it): the reveal comes now, not at the deadline.
                await wait_all(*(f.first("reveal", index=index, timeout=limit + 5) for f in [host, *(p for p, _ in players)]))
                deadline_ms = host.of_type("question", index=index)[0]["deadline"]
                closed_early[index] = time.time() * 1000 < deadline_ms
                await host.send({"type": "next", "seq": host.seq})
                await wait_all(host.first("leaderboard", index=index),
                               *(p.first("leaderboard", index=index) for p, _ in players))
                await host.send({"type": "next", "seq": host.seq})
            await wait_all(host.first("finished"), *(p.first("finished") for p, _ in players))
            return host, players
        finally:
            await close_all(host, *(p for p, _ in players))

    host, players = asyncio.run(play())
    # Every socket saw every state change live, in order: no gap, nothing dropped, no resync needed.
    steps = 3 * count + 1
    for follower in [host, *(p for p, _ in players)]:
        changes = [f["seq"] for f in follower.frames if f["type"] in ("question", "reveal", "leaderboard", "finished")]
        assert changes == list(range(1, steps + 1))
        assert (follower.gap_syncs, follower.silence_syncs, follower.dropped) == (0, 0, [])
    for n, (follower, _) in enumerate(players):
        assert [f["index"] for f in follower.of_type("question")] == list(range(count))
        reveals = follower.of_type("reveal")
        assert [r["index"] for r in reveals] == list(range(count))
        for index, reveal in enumerate(reveals):
            meant = plan(n, index)
            assert reveal["you"]["answered"] is (meant is not None)
            assert reveal["you"]["correct"] is bool(meant)
            assert (reveal["you"]["points"] > 0) is bool(meant)
    for index, reveal in enumerate(host.of_type("reveal")):
        answered = [plan(n, index) for n in range(players_total) if plan(n, index) is not None]
        assert (reveal["answered"], reveal["correct_count"], reveal["total"]) == (
            len(answered), sum(answered), players_total)
    assert len(acknowledged) == count * players_total - 1
    assert_stored_exactly(contest, acknowledged)
    assert_final_ranking(contest, {j["player"]: f.of_type("finished")[0] for f, j in players})
    # The host saw each question's answer count reach the number of answers, and a question that every
    # player answered closed at once (answers committed on both workers at the same moment included).
    counts = {i: [f["count"] for f in host.of_type("answers", index=i)] for i in range(count)}
    answered = {i: sum(plan(n, i) is not None for n in range(players_total)) for i in range(count)}
    assert ({i: max(c) for i, c in counts.items()}, all(closed_early.values())) == (
        answered, True), f"host's answer counts per question: {counts}; closed before the deadline: {closed_early}"


def test_a_redis_restart_mid_question_loses_frames_but_no_answer(world, tmp_path, spawn, private_redis,
                                                                   require_postgres):
    """Redis dies while question 0 is open and comes back after its deadline passed.

    The close of question 0 (committed by a worker's ticker during the outage)
    is lost with Redis. Clients notice the silence after the deadline (the
    page's `expectBy`); those whose timers did not run (`gap_only`) get a
    snapshot their worker pushes once its relay sees the contest's seq move
    without the frame (or notice the `seq` gap of the next state change). All
    resync from the database. The PubSub layer must resubscribe, so frames
    after the restart cross workers again.
    """
    quiz = make_quiz(world.teacher, world.school, kinds=("single", "multiple", "truefalse"))
    contest = make_contest(world, quiz=quiz, show_leaderboard=False, time_limit_s=5)
    count = contest.question_count
    worker_a, worker_b = two_workers(spawn, tmp_path, private_redis.url, contest)
    players_total, on_host_worker = 6, 2
    host_cookie, sessions = cookie(world.teacher), [cookie() for _ in range(players_total)]
    before_kill, during_outage = (0, 2, 3), (1, 4)  # player 5 never answers question 0
    gap_only = {1, 3}  # background tabs (throttled timers): only the seq gap tells them they missed the close
    acknowledged: dict[tuple[int, int], bool] = {}

    async def answer(follower: Follower, joined: dict, index: int) -> None:
        await follower.send({"type": "answer", "index": index, "choices": correct_choices(contest, index)})
        ack = await follower.first("answer_ack", index=index)
        assert ack["late"] is False
        acknowledged[(joined["player"], index)] = True

    async def play():
        host = await Follower.open(worker_a.port, f"/ws/contests/{contest.pin}/host/", host_cookie)
        players: list[tuple[Follower, dict]] = []
        try:
            await fill_lobby_and_start(host, players, contest, (worker_a, worker_b), sessions, on_host_worker,
                                       gap_only=gap_only)
            await wait_all(*(p.first("question", index=0) for p, _ in players))
            question = players[0][0].of_type("question", index=0)[0]
            await wait_all(*(answer(*players[n], 0) for n in before_kill))

            subscribed = private_redis.subscriptions()
            assert len(subscribed) >= 2, subscribed  # both workers listen to the contest
            private_redis.kill()
            killed_at = time.monotonic()
            await wait_all(*(answer(*players[n], 0) for n in during_outage))  # the database alone acknowledges
            # Stay down until the deadline has passed: a ticker closes question 0 while Redis is gone.
            left = (question["deadline"] - question["server_time"]) / 1000 - (time.monotonic() - question["_at"])
            await asyncio.sleep(max(0.0, left) + 1.0)
            private_redis.start()
            outage = time.monotonic() - killed_at
            # The PubSub layer resubscribes by itself: every channel with as many subscribers as before.
            restarted_at, now_subscribed = time.monotonic(), {}
            while time.monotonic() - restarted_at < 15 and now_subscribed != subscribed:
                await asyncio.sleep(0.1)
                now_subscribed = private_redis.subscriptions()
            resubscribed_in = time.monotonic() - restarted_at
            assert now_subscribed == subscribed, (
                f"no resubscription 15 s after the restart: before {subscribed}, after {now_subscribed}")

            # Question 0's reveal was lost: the host and the silence-rule players notice the silence.
            await wait_all(host.until_phase("reveal", 0), *(
                p.until_phase("reveal", 0) for n, (p, _) in enumerate(players) if n not in gap_only))
            for index in range(1, count):
                await host.send({"type": "next", "seq": host.seq})
                # Worker A commits the next question; it must reach B's sockets through the restarted Redis.
                await wait_all(*(p.until_phase("question", index) for p, _ in players))
                # B's players first, then A's: the host on A hears counts that only B can have sent.
                await wait_all(*(answer(*players[n], index) for n in range(on_host_worker, players_total)))
                # Wait for a count only B's players can make before A's answer (counts are coalesced,
                # so without the wait a slow machine may fold B's count into one sent after A's answers).
                await host.wait(lambda index=index: any(
                    1 <= f["count"] <= players_total - on_host_worker for f in host.of_type("answers", index=index)),
                    what=f"an answer count from worker B for question {index}")
                await wait_all(*(answer(*players[n], index) for n in range(on_host_worker)))
                await wait_all(host.until_phase("reveal", index), *(p.until_phase("reveal", index) for p, _ in players))
            await host.send({"type": "next", "seq": host.seq})
            await wait_all(host.until_phase("finished"), *(p.until_phase("finished") for p, _ in players))
            print(f"Redis down {outage:.1f} s, layers resubscribed {resubscribed_in:.1f} s after; resyncs (gap, silence): host {host.gap_syncs, host.silence_syncs}, "
                  f"players {[(p.gap_syncs, p.silence_syncs) for p, _ in players]}")
            return host, players
        finally:
            await close_all(host, *(p for p, _ in players))

    host, players = asyncio.run(play())
    logs = (tmp_path / "a.log").read_text(errors="replace") + (tmp_path / "b.log").read_text(errors="replace")
    # Frames after the restart crossed workers: question 1, committed on A (the host's `next`),
    # reached every player on B live, and B's answers reached the host on A.
    for n, (follower, _) in enumerate(players):
        assert follower.of_type("question", index=1), f"player {n} (worker {'AB'[n >= on_host_worker]}) " \
            f"never got question 1 live after the Redis restart; worker logs:\n{logs[-4000:]}"
    counts = [f["count"] for f in host.of_type("answers", index=1)]
    assert max(counts) == players_total and [c for c in counts if 1 <= c <= players_total - on_host_worker], counts
    # The close of question 0 was lost; every socket learnt it from a snapshot: one it asked for (a seq
    # gap, or silence after the deadline) or one its worker pushed on seeing the seq move without the frame.
    for n, (follower, _) in enumerate(players):
        recovered = [f for f in follower.of_type("state") if f["phase"] in ("reveal", "question")
                     and f["question"]["index"] in (0, 1) and f["seq"] >= 2]
        assert recovered, f"player {n} did not resync"
    assert "were lost; resyncing" in logs  # the workers noticed the lost frames themselves
    reveal_0 = next(f["reveal"] for f in host.of_type("state") if f["phase"] == "reveal" and f["seq"] == 2)
    assert reveal_0["answered"] == len(before_kill) + len(during_outage)
    assert len(acknowledged) == len(before_kill) + len(during_outage) + (count - 1) * players_total
    assert_stored_exactly(contest, acknowledged)
    finals = {j["player"]: (f.of_type("finished") or [s["finished"] for s in f.of_type("state", phase="finished")])[0]
              for f, j in players}
    assert_final_ranking(contest, finals)
    assert set(Player.objects.filter(contest=contest).values_list("nickname", flat=True)) == {
        f"Người chơi {n}" for n in range(players_total)}


def test_the_last_answers_committed_at_once_on_two_workers_close_the_question(world, require_postgres, monkeypatch):
    """Two workers store the last two answers at the same moment: one of them must see both.

    What the two-worker test meets by chance, made certain: each transaction
    counts the answers after inserting its own, while the other one has not
    committed yet (as two daphne processes do). A count that cannot see the
    other answer leaves the question open until its deadline and the host's
    count short of the answers stored.
    """
    contest = small_contest(world, time_limit_s=60)
    now = timezone.now()
    players = [
        services.player_join(contest_id=contest.pk, nickname=f"Người chơi {n}", user=None,
                             session_key=f"race-{n}", now=now)
        for n in range(2)
    ]
    services.contest_transition(contest_id=contest.pk, event=Event.START, now=now)
    contest.refresh_from_db()
    both_inserted = threading.Barrier(2)
    count = selectors.answer_count

    def count_when_both_inserted(*args, **kwargs):
        try:
            both_inserted.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # counted elsewhere (one at a time, after the commit): nothing to line up
        return count(*args, **kwargs)

    host_counts: list[int] = []
    monkeypatch.setattr(selectors, "answer_count", count_when_both_inserted)
    monkeypatch.setattr(broadcast, "publish", lambda contest_id, frame, **kw: frame["type"] == "answers"
                        and host_counts.append(frame["count"]))
    receipts: list = [None, None]

    def answer(n: int) -> None:
        try:
            receipts[n] = services.answer_submit(player_id=players[n].pk, question_index=0,
                                                 choice_ids=correct_choices(contest, 0), now=timezone.now())
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Answer.objects.filter(player__contest=contest).count() == 2
    contest.refresh_from_db()
    assert (contest.phase, max(host_counts)) == ("reveal", 2), (
        f"receipts {receipts}; answer counts sent to the host {host_counts}")
