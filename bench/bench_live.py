"""Live-contest load: N real WebSocket players in one contest on real daphne workers.

    .venv/bin/python bench/bench_live.py            # the full table, ~15 minutes on 2 cores (joins dominate)
    .venv/bin/python bench/bench_live.py --players 50 200 --two-workers 200 --storm 200

PostgreSQL (its own database, created if missing) and Redis (the
RedisPubSubChannelLayer; own db number and key/channel prefixes, nothing is
flushed). For each size the players join one contest and play ``--questions``
questions, each answering at a random moment in the first 80 % of the time
limit (server clock), then one burst question that all of them answer within
200 ms of receiving it. The
players run in ``--clients`` client processes (bench/_live_clients.py), split
over the workers; the host socket is on the first worker.

Reported per run: time for all to join; question fan-out to the last player
(receipt minus the frame's ``server_time``, the moment the server handled the
host's transition; one clock, all on 127.0.0.1), p50/p95 over the questions;
the same for a bare `websockets` broadcast server with the same clients and
players, and our p95 as a ratio to it; answers acknowledged per second and ack
latency; the burst (first answer sent → last ack, ack p95); lost answers
(acknowledged but not in the database: must be 0); peak RSS and CPU of the
workers and the CPU of the busiest client process (near 100 % means the
clients, not the server, set the pace). A reconnect storm drops every socket of
a running contest at once and resumes them all with their tokens: time to
resume (connect → state snapshot) and duplicate players (must be 0).
Daphne's output goes to var/bench-live-*.log; error lines are counted.
"""

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BURST_WINDOW_S = 0.2
STORM_TIME_LIMIT_S = 120
ERROR_LINE = re.compile(r"Traceback|ERROR|CRITICAL|took too long to shut down")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, nargs="*", default=[200, 500, 1000, 2000], help="one worker")
    parser.add_argument("--two-workers", type=int, nargs="*", default=[2000], help="sizes on two workers")
    parser.add_argument("--storm", type=int, default=500, help="players in the reconnect storm (0: none)")
    parser.add_argument("--questions", type=int, default=10, help="questions answered at random (plus one burst)")
    parser.add_argument("--time-limit", type=int, default=5, help="seconds per question (5-120)")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--concurrency", type=int, default=25, help="joins in flight per client process")
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/qs_bench_live")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    return parser.parse_args()


def create_database(url: str) -> None:
    """Create the bench's PostgreSQL database if it does not exist (never drops anything)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ARGS = parse_args()
os.environ.update(DJANGO_SETTINGS_MODULE="quizsite.settings", DATABASE_URL=ARGS.db, REDIS_URL=ARGS.redis,
                  CHANNEL_PREFIX="benchlive", CACHE_PREFIX="benchlive")
create_database(ARGS.db)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from bench._report import write_section  # noqa: E402
from contests import services  # noqa: E402
from contests.models import Answer, Contest, Player  # noqa: E402
from lessons.models import Choice, Question, Quiz  # noqa: E402
from schools.models import User  # noqa: E402

# Percentiles and processes -------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def proc_usage(pid: int) -> tuple[float, float]:
    """Peak resident memory (MB) and CPU seconds of a process, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return peak_kb / 1024, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Helper:
    """A bench/_live_clients.py process: a job on stdin, JSON-line events on stdout."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, *args: str, job: dict | None = None) -> "Helper":
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench._live_clients", *args, cwd=ROOT, limit=2**28,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        helper = cls(process)
        if job is not None:
            helper.send(json.dumps(job))
        return helper

    def send(self, line: str) -> None:
        self.process.stdin.write(line.encode() + b"\n")

    async def expect(self, event: str) -> dict:
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"client process exited (code {await self.process.wait()}) before {event!r}")
        message = json.loads(line)
        if message["event"] != event:
            raise RuntimeError(f"expected {event!r}, got {message['event']!r}")
        return message

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


async def expect_all(helpers: list[Helper], event: str) -> list[dict]:
    return await asyncio.gather(*(h.expect(event) for h in helpers))


# The contest and the workers -------------------------------------------------------


@dataclass
class Setup:
    contest: Contest
    host_session: str
    sessions: list[str]


def player_sessions(count: int) -> list[str]:
    """Anonymous browser sessions, as the join page leaves them, in bulk."""
    data = SessionStore().encode({"bench": True})
    expire = timezone.now() + timedelta(hours=2)
    rows = [Session(session_key=secrets.token_hex(16), session_data=data, expire_date=expire) for _ in range(count)]
    Session.objects.bulk_create(rows, batch_size=1000)
    return [row.session_key for row in rows]


def host_session(teacher: User) -> str:
    store = SessionStore()
    store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(teacher.pk), "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
    store.save()
    return store.session_key


def prepare(players: int, questions: int, time_limit: int) -> Setup:
    teacher, _ = User.objects.get_or_create(username="bench.teacher", defaults={"full_name": "Bench Teacher"})
    quiz = Quiz.objects.create(title="Bench", owner=teacher)
    for n in range(questions):
        question = Question.objects.create(quiz=quiz, kind="single", text=f"Câu hỏi {n + 1}", order=n)
        Choice.objects.bulk_create(
            Choice(question=question, key=f"c{k}", text=f"Đáp án {k}", is_correct=k == 0, position=k) for k in range(4)
        )
    contest = services.contest_create(
        owner=teacher, school=None, quiz=quiz, title="Bench", access="open", time_limit_s=time_limit,
        show_leaderboard=False, shuffle_choices=True,
    )
    return Setup(contest, host_session(teacher), player_sessions(players))


@dataclass
class Worker:
    port: int
    process: subprocess.Popen
    log: Path

    def usage(self) -> tuple[float, float]:
        return proc_usage(self.process.pid)

    def error_lines(self) -> int:
        return sum(1 for line in self.log.read_text(errors="replace").splitlines() if ERROR_LINE.search(line))

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_worker(label: str, cache_prefix: str) -> Worker:
    port = free_port()
    log = settings.VAR_DIR / f"bench-live-{label}.log"
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1", DEBUG="0", HTTPS="0", SECRET_KEY=settings.SECRET_KEY,
               CACHE_PREFIX=cache_prefix)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    worker = Worker(port, process, log)
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited, see {log}")
        if listening(port):
            return worker
        time.sleep(0.1)
    worker.stop()
    raise RuntimeError(f"daphne did not start, see {log}")


def start_workers(count: int, label: str) -> list[Worker]:
    """Daphne workers sharing the database and Redis; join counters fresh for this run."""
    prefix = f"benchlive-{label}-{secrets.token_hex(4)}"
    return [start_worker(f"{label}-w{i}", prefix) for i in range(count)]


# One run -----------------------------------------------------------------------


@dataclass
class Target:
    """Where the sockets go: the player URL per worker, the host's, and the origin."""

    play: list[str]
    host: str
    origin: str

    @classmethod
    def of(cls, ports: list[int], pin: str) -> "Target":
        base = [f"ws://127.0.0.1:{port}/ws/contests/{pin}" for port in ports]
        return cls([f"{b}/play/" for b in base], f"{base[0]}/host/", f"http://127.0.0.1:{ports[0]}")


def client_jobs(target: Target, sessions: list[str], mode: str, delays: list) -> list[dict]:
    """Players split over the client processes; each player on worker number % workers."""
    players = [[n, s, target.play[n % len(target.play)]] for n, s in enumerate(sessions)]
    return [
        {"mode": mode, "origin": target.origin, "cookie": settings.SESSION_COOKIE_NAME, "delays": delays,
         "concurrency": ARGS.concurrency, "players": players[i::ARGS.clients]}
        for i in range(min(ARGS.clients, len(players)))
    ]


def answer_delays(questions: int, time_limit: int) -> list[list]:
    """A random moment within (most of) the open question's time limit; then the burst question,
    answered within 200 ms of receiving it (see _live_clients.Player.play)."""
    return [[0.0, 0.8 * time_limit, True]] * questions + [[0.0, BURST_WINDOW_S, False]]


async def open_host(target: Target, session: str):
    host = await connect(target.host, origin=target.origin, ping_interval=None, max_size=2**22,
                         additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    await host.recv()  # state
    return host


async def drain(host) -> None:
    """The host screen reads `player_joined` while the players come in."""
    async for _ in host:
        pass


async def stop_draining(task: asyncio.Task) -> None:
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def drive(host) -> None:
    """Start, then `next` after each reveal, until the contest finishes."""
    await host.send(json.dumps({"type": "start"}))
    async for raw in host:
        frame = json.loads(raw)
        if frame["type"] == "reveal":
            await host.send(json.dumps({"type": "next", "seq": frame["seq"]}))
        elif frame["type"] == "finished":
            return


@dataclass
class Outcome:
    """Everything the client processes reported about one run."""

    joined: list[dict]
    results: list[dict]
    wall_s: float
    fanout: dict[int, list[float]] = field(init=False)
    acks: list[list] = field(init=False)

    def __post_init__(self) -> None:
        self.fanout = {}
        for result in self.results:
            for index, values in result["fanout"].items():
                self.fanout.setdefault(int(index), []).extend(values)
        self.acks = [ack for result in self.results for ack in result["acks"]]

    @property
    def join_s(self) -> float:
        return (max(j["ended"] for j in self.joined) - min(j["started"] for j in self.joined)) / 1000

    @property
    def joined_count(self) -> int:
        return sum(j["count"] for j in self.joined)

    def fanout_last(self) -> list[float]:
        return [max(values) for values in self.fanout.values()]

    def counts(self, key: str) -> dict[str, int]:
        """Error frames (``errors``) or handshake retries by cause (``retries``), over the processes."""
        total: dict[str, int] = {}
        for result in self.results:
            for code, count in result[key].items():
                total[code] = total.get(code, 0) + count
        return total

    def values(self, key: str) -> list[float]:
        return [value for result in self.results for value in result[key]]

    def client_cpu(self) -> float:
        """CPU of the busiest client process, as a share of one core over its life."""
        return max(r["cpu_s"] / r["wall_s"] for r in self.results)


async def run_clients(target: Target, host_session: str, sessions: list[str], delays: list) -> Outcome:
    """Join every player with the host watching, play the whole contest, collect the figures."""
    host = await open_host(target, host_session)
    watching = asyncio.create_task(drain(host))
    clients = [await Helper.start("play", job=job) for job in client_jobs(target, sessions, "play", delays)]
    try:
        started = time.time()
        joined = await expect_all(clients, "joined")
        await stop_draining(watching)
        await drive(host)
        results = await expect_all(clients, "result")
        return Outcome(joined, results, time.time() - started)
    finally:
        await host.close()
        await asyncio.gather(*(c.stop() for c in clients))


def stored_answers(contest: Contest) -> set[tuple[int, int]]:
    return set(Answer.objects.filter(player__contest=contest).values_list("player_id", "question_index"))


def ack_figures(outcome: Outcome, questions: int) -> dict:
    """Ack latency and rate of the random answers; the burst's span and p95."""
    spread = [a for a in outcome.acks if a[1] < questions]
    burst = [a for a in outcome.acks if a[1] == questions]
    spans = [
        max(a[3] for a in spread if a[1] == i) - min(a[2] for a in spread if a[1] == i)
        for i in {a[1] for a in spread}
    ]
    return {
        "answers_per_s": len(spread) / (sum(spans) / 1000) if spans else float("nan"),
        "ack_p50": pct([a[3] - a[2] for a in spread], 0.5),
        "ack_p95": pct([a[3] - a[2] for a in spread], 0.95),
        "burst_n": len(burst),
        "burst_ms": max(a[3] for a in burst) - min(a[2] for a in burst) if burst else float("nan"),
        "burst_p95": pct([a[3] - a[2] for a in burst], 0.95),
        "late": sum(1 for a in outcome.acks if a[4]),
    }


def bench_contest(players: int, workers: int) -> dict:
    label = f"{players}x{workers}"
    setup = prepare(players, ARGS.questions + 1, ARGS.time_limit)
    servers = start_workers(workers, label)
    try:
        target = Target.of([w.port for w in servers], setup.contest.pin)
        delays = answer_delays(ARGS.questions, ARGS.time_limit)
        outcome = asyncio.run(run_clients(target, setup.host_session, setup.sessions, delays))
        usage = [w.usage() for w in servers]
    finally:
        for worker in servers:
            worker.stop()
    acked = {(a[0], a[1]) for a in outcome.acks}
    last = outcome.fanout_last()
    return {
        "run": f"{players} on {workers} worker{'s' if workers > 1 else ''}", "players": players,
        "joined": outcome.joined_count, "join_s": outcome.join_s, "join_p95": pct(outcome.values("join_ms"), 0.95),
        "retries": outcome.counts("retries"),
        "fanout_p50": pct(last, 0.5), "fanout_p95": pct(last, 0.95),
        **ack_figures(outcome, ARGS.questions),
        "lost": len(acked - stored_answers(setup.contest)),
        "rss_mb": sum(u[0] for u in usage), "cpu_pct": max(u[1] for u in usage) / outcome.wall_s * 100,
        "client_cpu_pct": outcome.client_cpu() * 100, "errors": outcome.counts("errors"),
        "server_errors": sum(w.error_lines() for w in servers),
        "frame_bytes": max(r["frame_bytes"] for r in outcome.results),
        "logs": [str(w.log) for w in servers],
    }


async def bare_run(players: int) -> Outcome:
    server = await Helper.start("serve", str(ARGS.questions + 1))
    try:
        port = (await server.expect("listening"))["port"]
        target = Target.of([port], "000000")
        delays = [[0.0, BURST_WINDOW_S, False]] * (ARGS.questions + 1)  # only the fan-out is compared
        return await run_clients(target, "-", [f"bare{n}" for n in range(players)], delays)
    finally:
        await server.stop()


def bench_bare(players: int) -> dict:
    outcome = asyncio.run(bare_run(players))
    last = outcome.fanout_last()
    return {"p50": pct(last, 0.5), "p95": pct(last, 0.95), "client_cpu_pct": outcome.client_cpu() * 100,
            "frame_bytes": max(r["frame_bytes"] for r in outcome.results)}


# The reconnect storm -----------------------------------------------------------------


async def storm_clients(target: Target, host_session: str, sessions: list[str]) -> tuple[float, list[dict]]:
    host = await open_host(target, host_session)
    watching = asyncio.create_task(drain(host))
    clients = [await Helper.start("play", job=job) for job in client_jobs(target, sessions, "storm", [])]
    try:
        await expect_all(clients, "joined")
        await host.send(json.dumps({"type": "start"}))
        await expect_all(clients, "ready")
        dropped = time.time()
        for client in clients:
            client.send("drop")
        results = await expect_all(clients, "result")
        all_back = time.time() - dropped
        await host.send(json.dumps({"type": "end"}))
        return all_back, results
    finally:
        await stop_draining(watching)
        await host.close()
        await asyncio.gather(*(c.stop() for c in clients))


def bench_storm(players: int) -> dict:
    setup = prepare(players, 1, STORM_TIME_LIMIT_S)
    servers = start_workers(1, f"storm{players}")
    try:
        target = Target.of([servers[0].port], setup.contest.pin)
        all_back, results = asyncio.run(storm_clients(target, setup.host_session, setup.sessions))
    finally:
        servers[0].stop()
    outcome = Outcome([], results, all_back)
    resumes = outcome.values("resume_ms")
    acked = {(a[0], a[1]) for a in outcome.acks}
    return {
        "run": f"storm of {players}", "players": players, "resumed": len(resumes), "all_back_s": all_back,
        "p50": pct(resumes, 0.5), "p95": pct(resumes, 0.95), "max": max(resumes, default=float("nan")),
        "retries": outcome.counts("retries"),
        "duplicates": Player.objects.filter(contest=setup.contest).count() - players,
        "acked": len(acked), "lost": len(acked - stored_answers(setup.contest)),
        "errors": outcome.counts("errors"), "server_errors": servers[0].error_lines(), "log": str(servers[0].log),
    }


# Report ------------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    ram = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    return f"nproc {os.cpu_count()}, RAM {int(ram) / 1024**2:.1f} GiB, load average before the run {load_average()}"


def errors_text(errors: dict[str, int]) -> str:
    return ", ".join(f"{code} ×{count}" for code, count in sorted(errors.items())) or "none"


def live_table(rows: list[dict], bare: dict[int, dict]) -> list[str]:
    lines = [
        "| run | joined / join all (s) / join p95 (ms) | fan-out to last p50 / p95 (ms) | bare p50 / p95 (ms) | ratio p95 "
        "| answers/s | ack p50 / p95 (ms) | burst: all acked (ms) / ack p95 (ms) | lost | late "
        "| worker RSS (MB) / CPU | client CPU (busiest, ours / bare) | daphne error lines |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        b = bare[r["players"]]
        lines.append(
            f"| {r['run']} | {r['joined']} / {r['join_s']:.1f} / {r['join_p95']:.0f} | {r['fanout_p50']:.0f} / {r['fanout_p95']:.0f} "
            f"| {b['p50']:.0f} / {b['p95']:.0f} | {r['fanout_p95'] / b['p95']:.1f}× | {r['answers_per_s']:.0f} "
            f"| {r['ack_p50']:.0f} / {r['ack_p95']:.0f} | {r['burst_n']} in {r['burst_ms']:.0f} / {r['burst_p95']:.0f} "
            f"| {r['lost']} | {r['late']} | {r['rss_mb']:.0f} / {r['cpu_pct']:.0f} % "
            f"| {r['client_cpu_pct']:.0f} % / {b['client_cpu_pct']:.0f} % | {r['server_errors']} |"
        )
    return lines


def storm_table(storm: dict) -> list[str]:
    return [
        "| players dropped | resumed | all resumed and answered (s) | resume p50 / p95 / max (ms) | handshakes retried "
        "| duplicate players | answers after resume: acked / lost | daphne error lines |",
        "|---|---|---|---|---|---|---|---|",
        f"| {storm['players']} | {storm['resumed']} | {storm['all_back_s']:.1f} "
        f"| {storm['p50']:.0f} / {storm['p95']:.0f} / {storm['max']:.0f} | {sum(storm['retries'].values())} "
        f"| {storm['duplicates']} | {storm['acked']} / {storm['lost']} | {storm['server_errors']} |",
    ]


def report(rows: list[dict], bare: dict[int, dict], storm: dict | None, machine_line: str) -> str:
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    frames = ", ".join(sorted({f"{r['frame_bytes']} B" for r in rows} | {f"bare {b['frame_bytes']} B" for b in bare.values()}))
    lines = [
        f"Machine: {machine_line}, after it {load_average()}. PostgreSQL, Redis with {layer}; daphne workers as deployed "
        f"(`daphne -b 127.0.0.1 -p PORT`); {ARGS.clients} client processes of Python `websockets` on 127.0.0.1.",
        "",
        f"Each run: the players join one contest (the host's socket open on the first worker), then "
        f"{ARGS.questions} questions of {ARGS.time_limit} s, each player answering at a random moment in the first "
        f"{0.8 * ARGS.time_limit:.0f} s after the question opened (server clock), then one burst question every "
        f"player answers within {BURST_WINDOW_S * 1000:.0f} ms of receiving it. "
        "Fan-out: a player's receipt minus the frame's `server_time` (when the server handled the host's "
        "transition), the slowest player per question, p50/p95 over the questions; the bare `websockets` server "
        f"gets the same clients and players (question frames: {frames}). Answers/s: acks per second while the "
        "random answers come in (offered load); the burst gives the capacity. Lost: acknowledged but not in the "
        "database. CPU: share of one core over the run. Daphne error lines: tracebacks and application "
        "instances killed for not shutting down in time, in var/bench-live-*.log.",
        "",
        *live_table(rows, bare),
    ]
    if storm:
        lines += [
            "",
            f"Reconnect storm: {storm['players']} players in an open question; every client socket aborted at once "
            "(no closing handshake), all reconnect at once and `resume` with their token; resume = connect → "
            "`state` received; then each answers the open question.",
            "",
            *storm_table(storm),
        ]
    for key, title in (("errors", "Error frames seen by the clients"), ("retries", "Handshakes retried, by cause")):
        odd = [f"{r['run']}: {errors_text(r[key])}" for r in [*rows, *([storm] if storm else [])] if r[key]]
        if odd:
            lines += ["", f"{title}: " + "; ".join(odd) + "."]
    return "\n".join(lines)


def main() -> None:
    machine_line = machine()
    call_command("migrate", verbosity=0)
    sizes = [(n, 1) for n in ARGS.players] + [(n, 2) for n in ARGS.two_workers]
    rows, bare = [], {}
    for players, workers in sizes:
        rows.append(bench_contest(players, workers))
        if players not in bare:
            bare[players] = bench_bare(players)
        print(json.dumps({**rows[-1], "bare": bare[players]}), flush=True)
    storm = bench_storm(ARGS.storm) if ARGS.storm else None
    if storm:
        print(json.dumps({"storm": storm}), flush=True)
    body = report(rows, bare, storm, machine_line)
    print(body)
    if not ARGS.no_write:
        write_section("live", "Live contests: one and two workers, burst, reconnect storm", body)


if __name__ == "__main__":
    main()
