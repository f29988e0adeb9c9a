"""Lesson page and answer-save latency under a fixed-rate open-loop load.

    .venv/bin/python bench/bench_lessons.py                       # PostgreSQL qs_bench_lessons, 200 req/s, gunicorn
    .venv/bin/python bench/bench_lessons.py --rate 200 60 --seconds 10 --http daphne   # one row pair per rate
    DATABASE_URL=sqlite:///var/bench-lessons.sqlite3 .venv/bin/python bench/bench_lessons.py

The database (created if missing) is migrated, loaded with the curriculum and
given its bench students on every run, so a fresh machine needs nothing else.

Servers (``--http``): docs/deployment.md serves pages from gunicorn (sync
workers, two per core, ``quizsite.wsgi``) and WebSockets from daphne; the
default measures that. ``--http daphne`` measures the one-server shape instead:
daphne processes (one per core) serving HTTP through ``quizsite.asgi``; nginx
is not on the bench machine, so the client itself sends each request to the
daphne worker with the fewest requests in flight (nginx's ``least_conn``), and
nginx's own proxying cost is in neither figure.

Open loop: request i is sent at start + i/rate whatever happened to the earlier
ones, and its latency counts from that planned moment, so a slow server shows up
as queueing instead of being hidden (no coordinated omission). Each request opens
its own connection (a class of phones, not one browser). Students are logged in
through prepared sessions; every answer POST is a different (student, question)
pair, answered with the practice page's form fields, as the page's script sends it.
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402
from bench._servers import (  # noqa: E402
    cpu_by_pid,
    ensure_postgres_database,
    free_port,
    load_averages,
    postgres_pids,
    server_pids,
    stop,
    wait_until_serving,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qs_bench_lessons"

PREPARE = """
import json, django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import _get_new_csrf_string
from lessons import grading, practice, services
from lessons.keys import question_answer_key
from lessons.models import Lesson, PracticeAnswer, PracticeAttempt, Question
from tests.factories import make_province, make_school, make_year
from schools import services as school_services
from schools.models import Classroom, User
lesson = Lesson.objects.get(key="l1")
students = list(User.objects.filter(username__startswith="bench-lessons-"))
if len(students) < COUNT:  # a later run with a higher rate adds students to the same class
    classroom = Classroom.objects.filter(enrollments__student__in=students).first()
    if classroom is None:
        year = make_year(); school = make_school(make_province("Tỉnh bench bài học"))
        classroom = school_services.classroom_create(school=school, school_year=year, name="10A9")
    for i in range(len(students), COUNT):
        student, _ = school_services.student_create(classroom=classroom, full_name=f"Học Sinh {i}")
        User.objects.filter(pk=student.pk).update(username=f"bench-lessons-{i}", must_change_password=False)
    students = list(User.objects.filter(username__startswith="bench-lessons-"))
PracticeAnswer.objects.filter(attempt__student__in=students).delete()
PracticeAttempt.objects.filter(student__in=students).delete()
out = []
for student in students[:COUNT]:
    attempt = services.attempt_start(student=student, lesson=lesson)
    session = SessionStore()
    session[SESSION_KEY] = str(student.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = student.get_session_auth_hash()
    session.create()
    bodies = []
    for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices"):
        key = question_answer_key(question)
        shown = grading.display_ids(key, practice.question_seed(attempt.seed, question.pk))
        raw = grading.response_to_raw(grading.correct_response(key))
        fields = [("question", str(question.pk))]
        if key.kind in grading.CHOICE_KINDS:
            fields += [("answer", str(shown.index(item))) for item in raw]
        elif key.kind == grading.ORDERING:
            fields += [(f"pos_{i}", str(raw.index(item) + 1)) for i, item in enumerate(shown)]
        else:
            fields += [(f"match_{j}", str(shown.index(key.pairs[left]))) for j, left in enumerate(key.pairs)]
        bodies.append(fields)
    out.append({"session": session.session_key, "csrf": _get_new_csrf_string(), "attempt": attempt.pk,
                "bodies": bodies})
print("BENCH-JSON:" + json.dumps(out))
"""


def _env(workdir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "REDIS_URL"}}
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.update(DJANGO_SETTINGS_MODULE="quizsite.settings", VAR_DIR=str(workdir), DEBUG="0", HTTPS="0",
               ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="ERROR")
    return env




def _prepare(env: dict, count: int) -> list[dict]:
    ensure_postgres_database(env["DATABASE_URL"])
    for command in (["migrate", "--noinput"], ["load_curriculum"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-c", PREPARE.replace("COUNT", str(count))], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH-JSON:"))
    return json.loads(line[len("BENCH-JSON:"):])


def _request(method: str, path: str, student: dict, body: str = "") -> bytes:
    cookie = f"sessionid={student['session']}; csrftoken={student['csrf']}"
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: {cookie}", "Connection: close"]
    if method == "POST":
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body.encode())}",
                  f"X-CSRFToken: {student['csrf']}", "X-Requested-With: fetch"]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


class _LeastConnections:
    """Pick the worker with the fewest requests in flight, like nginx's ``least_conn``."""

    def __init__(self, ports: list[int]):
        self.in_flight = dict.fromkeys(ports, 0)

    def acquire(self) -> int:
        port = min(self.in_flight, key=self.in_flight.__getitem__)
        self.in_flight[port] += 1
        return port

    def release(self, port: int) -> None:
        self.in_flight[port] -= 1


async def _send(balancer: _LeastConnections, payload: bytes, planned: float, results: list) -> None:
    await asyncio.sleep(max(0.0, planned - time.perf_counter()))
    port = balancer.acquire()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(payload)
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=30)
        await asyncio.wait_for(reader.read(), timeout=30)
        writer.close()
        status = int(status_line.split()[1]) if status_line else 0
    except (TimeoutError, OSError, IndexError, ValueError):
        status = 0
    finally:
        balancer.release(port)
    results.append((time.perf_counter() - planned, status))


async def _open_loop(ports: list[int], payloads: list[bytes], rate: float) -> tuple[list, float]:
    results: list = []
    balancer = _LeastConnections(ports)
    start = time.perf_counter() + 0.2
    await asyncio.gather(*(_send(balancer, p, start + i / rate, results) for i, p in enumerate(payloads)))
    return results, time.perf_counter() - start


@dataclass
class Run:
    results: list
    elapsed: float
    cpu_ms: dict  # CPU per request served, in ms: "server", "postgres", "client"








def _measured(ports: list[int], payloads: list[bytes], rate: float, servers: list[subprocess.Popen]) -> Run:
    """One open-loop row, with the CPU the servers, PostgreSQL (every backend on the machine) and the client spent."""
    groups = {"server": server_pids(servers), "postgres": postgres_pids()}
    before = {name: cpu_by_pid(pids) for name, pids in groups.items()}
    client_before = time.process_time()
    results, elapsed = asyncio.run(_open_loop(ports, payloads, rate))
    client = time.process_time() - client_before
    groups["postgres"] = sorted(set(groups["postgres"]) | set(postgres_pids()))  # backends opened meanwhile
    spent = {
        name: sum(now - before[name].get(pid, 0.0) for pid, now in cpu_by_pid(pids).items())
        for name, pids in groups.items()
    }
    spent["client"] = client
    return Run(results, elapsed, {name: 1000 * seconds / len(results) for name, seconds in spent.items()})


LOG = "var/bench-lessons-server.log"


def _server_commands(http: str, workers: int) -> tuple[list[int], list[list[str]]]:
    """The ports to load and the commands serving them: one gunicorn with its workers, or a daphne per worker."""
    if http == "gunicorn":
        port = free_port()
        return [port], [[sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers),
                         "quizsite.wsgi:application"]]
    ports = [free_port() for _ in range(workers)]
    return ports, [[sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"]
                   for port in ports]








def _row(name: str, run: Run, rate: float, ok_status: int, target_ms: float) -> str:
    results, elapsed = run.results, run.elapsed
    latencies = sorted(latency * 1000 for latency, _status in results)
    statuses = Counter(status for _latency, status in results if status != ok_status)
    errors = ", ".join(f"{count}× {status or 'no reply'}" for status, count in sorted(statuses.items())) or "0"

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))]

    met = "met" if pct(0.95) <= target_ms and errors == "0" else "**not met**"
    return (f"| {name} | {rate:.0f} req/s | {len(results)} | {statistics.median(latencies):.0f} ms | "
            f"{pct(0.95):.0f} ms | {pct(0.99):.0f} ms | {errors} | {len(results) / elapsed:.0f} req/s | "
            f"{run.cpu_ms['server']:.1f} / {run.cpu_ms['postgres']:.1f} / {run.cpu_ms['client']:.1f} ms | "
            f"p95 ≤ {target_ms:.0f} ms, 0 errors: {met} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, nargs="+", default=[200], help="one table row pair per rate")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--http", choices=["gunicorn", "daphne"], default="gunicorn",
                        help="the server for pages (docs/deployment.md: gunicorn, with daphne for WebSockets only)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default 2 per core) or daphne processes (1 per core)")
    args = parser.parse_args()
    workers = args.workers or (2 * os.cpu_count() if args.http == "gunicorn" else os.cpu_count())
    per_rate = [int(rate * args.seconds / 10) + 1 for rate in args.rate]  # ten questions per student attempt
    count = sum(per_rate)
    load_before = load_averages()  # before our own preparation adds to it
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        env = _env(Path(tmp))
        students = _prepare(env, count)
        ports, commands = _server_commands(args.http, workers)
        log = open(ROOT / LOG, "wb")  # noqa: SIM115 - closed below
        servers = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log) for command in commands
        ]
        try:
            wait_until_serving(ports, LOG)
            rows = []
            for n, rate in enumerate(args.rate):
                group = students[sum(per_rate[:n]): sum(per_rate[: n + 1])]  # every answer is a new one
                total = int(rate * args.seconds)
                pages = [_request("GET", "/lessons/l1/", group[i % len(group)]) for i in range(total)]
                answers = [
                    _request("POST", f"/lessons/practice/{student['attempt']}/answer/", student,
                             urllib.parse.urlencode([tuple(pair) for pair in student["bodies"][q]]))
                    for q in range(10) for student in group
                ][:total]
                asyncio.run(_open_loop(ports, pages[: int(rate)], rate))  # warm-up, not counted
                rows += [
                    _row("GET lesson page `/lessons/l1/`", _measured(ports, pages, rate, servers), rate, 200, 150),
                    _row("POST answer (saved, graded, locked; fragment back)",
                         _measured(ports, answers, rate, servers), rate, 200, 100),
                ]
            load_after = load_averages()
        finally:
            for server in servers:
                stop(server)
            log.close()
    postgres = env["DATABASE_URL"].startswith("postgres")
    database = "PostgreSQL (connection pool per worker)" if postgres else "SQLite"
    log_text = (ROOT / LOG).read_text(encoding="utf-8", errors="replace")
    refused = log_text.count("too many clients already") // 2  # psycopg's error and Django's wrapper
    if args.http == "gunicorn":
        servers_text = (
            f"gunicorn, {workers} sync workers (`quizsite.wsgi`, as docs/deployment.md serves pages; "
            "the kernel spreads connections over the workers)"
        )
    else:
        servers_text = (
            f"{workers} daphne process{'es' if workers > 1 else ''} (`quizsite.asgi`, the one-server shape; the client "
            "sends each request to the worker with the fewest in flight, as nginx's `least_conn` would)"
        )
    body = (
        f"{servers_text}, DEBUG=0, {database} on the same "
        f"machine; open-loop client in the same machine (asyncio, one connection per request, "
        f"{args.seconds:.0f} s per row after a 1 s warm-up). Load average (1/5/15 min, `uptime`) before: "
        f"{load_before}, after: {load_after}; the machine is shared, and other work lowers the figures. "
        "Latency counts from the planned send time. Queries per request (pinned by "
        "tests/lessons/test_views.py, whatever the number of questions or attempts): lesson page 7 (8 once the student "
        "has completed the lesson and may rate it), answer save 11. "
        f"Server errors caused by PostgreSQL refusing connections (\"too many clients\", a server shared "
        f"with other work): {refused}.\n\n"
        "CPU per request: user + system time from /proc of the server processes (gunicorn's workers included), "
        "of every PostgreSQL process on the machine, and of the client, divided by the requests of the row.\n\n"
        "| request | offered | requests | p50 | p95 | p99 | errors | served | CPU per request: server / PostgreSQL / "
        "client | target |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
    )
    if args.http == "gunicorn":
        write_section("lessons", "Lesson page and answer save", body)
    else:
        write_section("lessons-daphne", "Lesson page and answer save, all HTTP through daphne", body)
    print(body)


if __name__ == "__main__":
    main()
