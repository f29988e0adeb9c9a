"""Live-contest load: N real WebSocket players in one contest on a real daphne worker.

    .venv/bin/python bench/bench_live.py --players 50 200 --questions 5

Uses DATABASE_URL / REDIS_URL when set (PostgreSQL + Redis for real figures);
otherwise a fresh SQLite file under var/ and the in-memory channel layer, which
is fine for small N only. For each N it reports: time for all players to join,
question fan-out (server send time to each player's receipt) p50/p95 and to the
last player, answers acknowledged per second, ack latency p50/p95, lost answers
(acknowledged but not stored: must be 0), and the worker's peak memory and CPU.
The comparison with a bare `websockets` broadcast server and the two-worker run
belong to the scale-out work (issue 9) and are not measured here yet.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench-live.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import InvalidMessage  # noqa: E402

from bench._report import write_section  # noqa: E402
from contests import services  # noqa: E402
from contests.models import Answer  # noqa: E402
from lessons.models import Choice, Question, Quiz  # noqa: E402
from schools.models import User  # noqa: E402

TIME_LIMIT_S = 20
ANSWER_WINDOW_S = 3.0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(players: int, questions: int):
    call_command("migrate", verbosity=0)
    teacher, _ = User.objects.get_or_create(username="bench.teacher", defaults={"full_name": "Bench Teacher"})
    quiz = Quiz.objects.create(title="Bench", owner=teacher)
    for n in range(questions):
        question = Question.objects.create(quiz=quiz, kind="single", text=f"Câu hỏi {n + 1}", order=n)
        Choice.objects.bulk_create(
            Choice(question=question, key=f"c{k}", text=f"Đáp án {k}", is_correct=k == 0, position=k) for k in range(4)
        )
    contest = services.contest_create(
        owner=teacher, school=None, quiz=quiz, title="Bench", access="open", time_limit_s=TIME_LIMIT_S,
        show_leaderboard=False, shuffle_choices=True,
    )
    host = SessionStore()
    host[SESSION_KEY], host[BACKEND_SESSION_KEY] = str(teacher.pk), "django.contrib.auth.backends.ModelBackend"
    host[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
    host.save()
    sessions = []
    for _ in range(players):
        store = SessionStore()
        store["bench"] = True
        store.save()
        sessions.append(store.session_key)
    return contest, host.session_key, sessions


def start_worker(port: int) -> subprocess.Popen:
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1", DEBUG="0", HTTPS="0", SECRET_KEY=settings.SECRET_KEY,
               CONTEST_JOINS_PER_IP="1000000")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            return process
        except urllib.error.HTTPError:
            return process  # it answers: up (pages may need collected static files with DEBUG off)
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("daphne did not start")


def proc_usage(pid: int) -> tuple[float, float]:
    """Peak resident memory (MB) and CPU seconds of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return peak_kb / 1024, cpu


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(port: int, pin: str, host_session: str, sessions: list[str], questions: int) -> dict:
    base = f"ws://127.0.0.1:{port}/ws/contests/{pin}"
    origin = f"http://127.0.0.1:{port}"
    cookie = settings.SESSION_COOKIE_NAME
    fanout: list[float] = []
    acks: list[float] = []
    acked: set[tuple[int, int]] = set()

    async def open_socket(path: str, session: str):
        for attempt in range(5):
            try:
                return await connect(f"{base}/{path}/", origin=origin, max_size=2**22, open_timeout=60,
                                     additional_headers={"Cookie": f"{cookie}={session}"})
            except (OSError, InvalidMessage):
                await asyncio.sleep(0.2 * (attempt + 1))  # the server's accept backlog was full
        raise RuntimeError("could not connect")

    host = await open_socket("host", host_session)
    await host.recv()
    gate = asyncio.Semaphore(10)

    async def join(n: int, session: str):
        async with gate:
            ws = await open_socket("play", session)
            await ws.send(json.dumps({"type": "join", "nickname": f"Bench {n:05d}"}))
            joined = json.loads(await ws.recv())
            await ws.recv()  # state
            return ws, joined["player"]

    started = time.perf_counter()
    players = await asyncio.gather(*(join(n, s) for n, s in enumerate(sessions)))
    join_seconds = time.perf_counter() - started

    async def play(ws, player_id: int):
        rng = random.Random(player_id)
        sent_at = 0.0
        async for raw in ws:
            received = time.time()
            frame = json.loads(raw)
            if frame["type"] == "question":
                fanout.append(received * 1000 - frame["server_time"])
                await asyncio.sleep(rng.uniform(0.05, ANSWER_WINDOW_S))
                choice = frame["choices"][rng.randrange(len(frame["choices"]))]["id"]
                sent_at = time.perf_counter()
                await ws.send(json.dumps({"type": "answer", "index": frame["index"], "choices": [choice]}))
            elif frame["type"] == "answer_ack":
                acks.append((time.perf_counter() - sent_at) * 1000)
                acked.add((player_id, frame["index"]))
            elif frame["type"] == "finished":
                return

    tasks = [asyncio.create_task(play(ws, pid)) for ws, pid in players]
    answering_started = time.perf_counter()
    await host.send(json.dumps({"type": "start"}))
    async for raw in host:
        frame = json.loads(raw)
        if frame["type"] == "reveal":
            await host.send(json.dumps({"type": "next", "seq": frame["seq"]}))
        elif frame["type"] == "finished":
            break
    answering_seconds = time.perf_counter() - answering_started
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=60)
    for ws, _ in players:
        await ws.close()
    await host.close()
    return {
        "join_s": join_seconds,
        "fanout": fanout,
        "acks": acks,
        "acked": acked,
        "answers_per_s": len(acks) / answering_seconds if answering_seconds else 0,
    }


def bench(players: int, questions: int) -> dict:
    contest, host_session, sessions = prepare(players, questions)
    port = free_port()
    worker = start_worker(port)
    try:
        result = asyncio.run(run(port, contest.pin, host_session, sessions, questions))
        memory, cpu = proc_usage(worker.pid)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    stored = set(Answer.objects.filter(player__contest=contest).values_list("player_id", "question_index"))
    return {
        "players": players,
        "join_s": result["join_s"],
        "fanout_p50": pct(result["fanout"], 0.5),
        "fanout_p95": pct(result["fanout"], 0.95),
        "fanout_max": max(result["fanout"], default=float("nan")),
        "answers_per_s": result["answers_per_s"],
        "ack_p50": pct(result["acks"], 0.5),
        "ack_p95": pct(result["acks"], 0.95),
        "lost": len(result["acked"] - stored),
        "memory_mb": memory,
        "cpu_s": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args()
    rows = [bench(n, args.questions) for n in args.players]
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    lines = [
        f"One daphne worker, {database}, {layer}; {args.questions} questions, answers at a random moment "
        f"within {ANSWER_WINDOW_S:.0f} s; clients on 127.0.0.1.",
        "",
        "| players | join all (s) | fan-out p50 / p95 / last (ms) | answers/s | ack p50 / p95 (ms) | lost | peak RSS (MB) | CPU (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['players']} | {r['join_s']:.1f} | {r['fanout_p50']:.0f} / {r['fanout_p95']:.0f} / {r['fanout_max']:.0f} "
            f"| {r['answers_per_s']:.0f} | {r['ack_p50']:.0f} / {r['ack_p95']:.0f} | {r['lost']} "
            f"| {r['memory_mb']:.0f} | {r['cpu_s']:.1f} |"
        )
    body = "\n".join(lines)
    print(body)
    write_section("live", "Live contests: one worker", body)


if __name__ == "__main__":
    main()
