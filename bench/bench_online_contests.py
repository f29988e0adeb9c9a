"""Online contest rush: N students start within a minute and save their answers, on the deployed shape.

    .venv/bin/python bench/bench_online_contests.py [--students 2000] [--answers 20] [--think 2 6]
        [--http gunicorn|daphne] [--workers N] [--db postgres://postgres@127.0.0.1:5432/qs_bench_online_contests]

Servers (``--http``): docs/deployment.md serves pages from gunicorn (sync
workers, two per core, ``quizsite.wsgi``) and only WebSockets from daphne; an
online contest uses no WebSocket, so the default runs gunicorn alone, as
deployed (DEBUG=0). ``--http daphne`` serves the pages from daphne processes
instead (the one-server shape of ``make run``), students spread round-robin.

Creates its own database, migrates, loads the curriculum, enrols the students
(bulk rows) with ready sessions (logins are measured by bench_login.py), and
opens a 20-question, 15-minute school contest. Each simulated student, on its
own keep-alive connection, arrives at a uniformly random moment in the first
minute: loads the contest page, starts (POST), loads the answer sheet, saves
``--answers`` answers as the page's script does (POST, JSON) with a random
think time between them, then submits. Latency per request kind, p50/p95/max,
errors, requests/s served and server and PostgreSQL CPU per request go to
docs/benchmarks.md. Before the rush, ``--calibrate`` extra students go through
the same steps one request at a time, which gives the server CPU of each
request kind on its own (user + system time from /proc, summed per kind).
"""

import argparse
import asyncio
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402
from bench._servers import (  # noqa: E402
    cpu_by_pid,
    database_backend_pids,
    load_averages,
    server_pids,
    stop,
    wait_until_serving,
)

parser = argparse.ArgumentParser()
parser.add_argument("--students", type=int, default=2000)
parser.add_argument("--answers", type=int, default=20)
parser.add_argument("--arrival", type=float, default=60.0, help="seconds over which students start")
parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0), help="seconds between answers (min max)")
parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/qs_bench_online_contests")
parser.add_argument("--conn-max-age", default="0")
parser.add_argument("--http", choices=["gunicorn", "daphne"], default="gunicorn",
                    help="the server for pages (docs/deployment.md: gunicorn, daphne for WebSockets only)")
parser.add_argument("--workers", type=int,
                    help="gunicorn workers (default two per core) or daphne processes (default one per core)")
parser.add_argument("--max-inflight", type=int, default=30,
                    help="requests in flight per listening port, queued beyond that as a reverse proxy's upstream "
                         "limit would (0: unlimited; Django under ASGI opens one database connection per request "
                         "in flight, so unlimited bursts exhaust PostgreSQL's max_connections without a pool)")
parser.add_argument("--calibrate", type=int, default=20,
                    help="students sent through alone before the rush, for the CPU of each request kind")
args = parser.parse_args()
args.workers = args.workers or (2 * os.cpu_count() if args.http == "gunicorn" else os.cpu_count())

PREPARE = """
import django; django.setup()
from datetime import timedelta
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from lessons.models import Quiz
from online_contests import services
from schools.models import Enrollment, RoleAssignment, User
from schools.names import vietnamese_sort_key
from tests.factories import make_province, make_school, make_user, make_year, make_role
from schools import services as school_services

COUNT = {count}
year = make_year(); school = make_school(make_province(), "Trường THPT Đo Tải")
classrooms = [school_services.classroom_create(school=school, school_year=year, name=f"{{10 + i % 3}}A{{i}}")
              for i in range(max(1, COUNT // 40))]
users = User.objects.bulk_create(
    User(username=f"bench{{i}}", full_name=f"Học Sinh Số {{i}}", name_sort=vietnamese_sort_key(f"Học Sinh Số {{i}}"),
         password="!") for i in range(COUNT)
)
Enrollment.objects.bulk_create(
    Enrollment(student=u, classroom=classrooms[i % len(classrooms)], school_year=year) for i, u in enumerate(users)
)
RoleAssignment.objects.bulk_create(RoleAssignment(user=u, role="student", school=school) for u in users)
admin = make_user("bench.admin", "Quản Lý Đo"); make_role(admin, "school_admin", school=school)
pools = {{q: 3 if q.lesson.order <= 4 else 2 for q in Quiz.objects.filter(lesson__isnull=False).select_related("lesson")}}
now = timezone.now()
contest = services.contest_create(created_by=admin, school=school, schools=[school], pool_counts=pools, fields={{
    "name": "Cuộc thi đo tải", "organizer_name": "Ban Tổ chức", "grades": [10, 11, 12],
    "opens_at": now - timedelta(minutes=1), "closes_at": now + timedelta(days=1), "time_limit_minutes": 15,
    "prize_first": 1, "prize_second": 3, "prize_third": 10, "prize_consolation": 15, "rules_md": "Thể lệ",
}})
services.contest_schedule(contest=contest, now=now)
print(contest.pk, contest.question_count)
for u in users:
    s = SessionStore()
    s.update({{"_auth_user_id": str(u.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
              "_auth_user_hash": u.get_session_auth_hash(), "is_student": True}})
    s.create()
    print(s.session_key)
"""


def recreate_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_env(port: int, workdir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "REDIS_URL"}}
    # bench.settings: the product's settings and URLs plus the bare view (/bench/bare/) the CPU is compared with.
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=args.db, DEBUG="0", HTTPS="0",
               VAR_DIR=str(workdir), LOG_LEVEL="ERROR", CONN_MAX_AGE=args.conn_max_age, ALLOWED_HOSTS="127.0.0.1",
               PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    if args.http == "gunicorn":
        env["DB_POOL_MAX_SIZE"] = "4"  # docs/deployment.md: a sync worker uses one connection at a time
    return env


def server_commands(ports: list[int]) -> list[list[str]]:
    if args.http == "gunicorn":
        return [[sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{ports[0]}", "-w", str(args.workers),
                 "--timeout", "120", "quizsite.wsgi:application"]]
    return [[sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p), "quizsite.asgi:application"]
            for p in ports]


class Connection:
    """A minimal keep-alive HTTP/1.1 client (one per simulated student)."""

    def __init__(self, port: int, cookies: str):
        self.port = port
        self.cookies = cookies
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        for _retry in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
            lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Cookie: {self.cookies}",
                     f"Content-Length: {len(body)}"]
            lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await self.writer.drain()
            status_line = await self.reader.readline()
            if status_line:
                break
            # The server closed the idle keep-alive connection before reading: reconnect and send again, as browsers do.
            self.writer.close()
            self.writer = None
        status = int(status_line.split()[1])
        response_headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            key, _, value = line.decode("latin-1").partition(":")
            response_headers[key.strip().lower()] = value.strip()
        if response_headers.get("transfer-encoding", "").lower() == "chunked":
            payload = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                payload += await self.reader.readexactly(size)
                await self.reader.readline()
            await self.reader.readline()
        else:
            length = int(response_headers.get("content-length", "0"))
            payload = await self.reader.readexactly(length) if length else b""
        if response_headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.writer = None
        return status, response_headers, payload


def answers_from_sheet(html: str) -> list[tuple[str, list[str]]]:
    """(question id, display positions) for each question of the sheet, as a student would pick them."""
    result = []
    for block in re.findall(r'<form[^>]*class="card oc-question" id="q\d+".*?</form>', html, re.S):
        question = re.search(r'name="question" value="(\d+)"', block).group(1)
        selects = block.count("<select")
        if selects and ':' in block.split("<select", 1)[1]:
            values = [f"{k}:{k}" for k in range(1, selects + 1)]
        elif selects:
            values = [str(k) for k in range(1, selects + 1)]
        else:
            values = ["1"]
        result.append((question, values))
    return result


class CpuMeter:
    """Server and PostgreSQL CPU seconds spent in each request kind, for requests sent one at a time."""

    def __init__(self, servers):
        self.servers = servers
        self.spent = defaultdict(lambda: [0.0, 0.0])
        self.counts = defaultdict(int)

    def snapshot(self) -> tuple[float, float]:
        return (sum(cpu_by_pid(server_pids(self.servers)).values()),
                sum(cpu_by_pid(database_backend_pids(args.db)).values()))

    def add(self, kind, before, after):
        self.spent[kind][0] += after[0] - before[0]
        self.spent[kind][1] += max(0.0, after[1] - before[1])  # a PostgreSQL process that ended takes its time along
        self.counts[kind] += 1

    def per_request_ms(self, kind) -> tuple[float, float]:
        server, postgres = self.spent[kind]
        return 1000 * server / self.counts[kind], 1000 * postgres / self.counts[kind]


async def student(port, gate, session_key, contest_id, delay, timings, errors, *, think=None, meter=None):
    think = think or args.think
    csrf = secrets.token_hex(16)
    conn = Connection(port, f"sessionid={session_key}; csrftoken={csrf}")
    post_headers = {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
    rng = random.Random(session_key)

    async def timed(kind, method, path, body=b"", headers=None, expect=200):
        start = time.perf_counter()
        cpu_before = meter.snapshot() if meter else None
        try:
            async with gate:
                status, response_headers, payload = await conn.request(method, path, body, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
            errors[kind].append(repr(error))
            conn.writer = None
            return None, None
        timings[kind].append(time.perf_counter() - start)
        if meter:
            meter.add(kind, cpu_before, meter.snapshot())
        if status != expect:
            errors[kind].append(status)
        return response_headers, payload

    await asyncio.sleep(delay)
    await timed("contest page", "GET", f"/online-contests/{contest_id}/")
    headers, _ = await timed("start", "POST", f"/online-contests/{contest_id}/start/", b"", post_headers, 302)
    if not headers or "location" not in headers:
        return
    attempt_path = headers["location"]
    _, sheet = await timed("answer sheet", "GET", attempt_path)
    if not sheet:
        return
    json_headers = {**post_headers, "Accept": "application/json"}
    for question, values in answers_from_sheet(sheet.decode())[: args.answers]:
        await asyncio.sleep(rng.uniform(*think))
        body = urlencode([("question", question), *[("response", v) for v in values]]).encode()
        await timed("save answer", "POST", attempt_path + "answer/", body, json_headers)
    await timed("submit", "POST", attempt_path + "submit/", b"", post_headers, 302)


async def calibrate(ports, sessions, contest_id, servers) -> CpuMeter:
    """Each calibration student alone, one request at a time, with a short pause between requests.

    The first students warm every worker up (imports, templates, connections) and are not counted.
    """
    meter = CpuMeter(servers)
    timings, errors = defaultdict(list), defaultdict(list)
    warm = len(sessions) - args.calibrate
    for index, key in enumerate(sessions):
        await student(ports[index % len(ports)], asyncio.Semaphore(1), key, contest_id, 0, timings, errors,
                      think=(0.01, 0.02), meter=meter if index >= warm else None)
    csrf = secrets.token_hex(16)
    conn = Connection(ports[0], f"sessionid={sessions[-1]}; csrftoken={csrf}")
    for _ in range(BARE_REQUESTS):
        before = meter.snapshot()
        status, _headers, _payload = await conn.request("GET", "/bench/bare/")
        meter.add("bare", before, meter.snapshot())
        if status != 200:
            errors["bare"].append(status)
    if any(errors.values()):
        raise RuntimeError(f"calibration requests failed: { {k: v[:3] for k, v in errors.items() if v} }")
    return meter


async def rush(ports, sessions, contest_id):
    timings, errors = defaultdict(list), defaultdict(list)
    rng = random.Random(2026)
    limit = args.max_inflight or 10**9
    gates = [asyncio.Semaphore(limit) for _ in ports]
    started = time.perf_counter()
    await asyncio.gather(*[
        student(ports[i % len(ports)], gates[i % len(ports)], key, contest_id, rng.uniform(0, args.arrival), timings,
                errors)
        for i, key in enumerate(sessions)
    ])
    return time.perf_counter() - started, timings, errors


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


KINDS = ["contest page", "start", "answer sheet", "save answer", "submit"]
BARE_REQUESTS = 200
# Server CPU of a request alone, against the bare view (issue 19): student pages and POSTs at most 3×.
CPU_TARGET = 3


def main() -> None:
    recreate_database(args.db)
    ports = []
    for _ in range(1 if args.http == "gunicorn" else args.workers):
        sock = __import__("socket").socket()
        sock.bind(("127.0.0.1", 0))
        ports.append(sock.getsockname()[1])
        sock.close()
    workdir = Path(tempfile.mkdtemp(prefix="bench-online-contests-"))
    env = server_env(ports[0], workdir)
    for command in (["migrate", "--noinput"], ["load_curriculum"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    warm = 2 * args.workers if args.calibrate else 0
    output = subprocess.run([sys.executable, "-c", PREPARE.format(count=args.students + warm + args.calibrate)], cwd=ROOT,
                            env=env, check=True, capture_output=True, text=True).stdout.split()
    contest_id, question_count, sessions = output[0], output[1], output[2:]
    calibration, sessions = sessions[args.students:], sessions[: args.students]
    log_name = f"var/bench-online-contests-{args.http}.log"
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / log_name, "wb")  # noqa: SIM115 - closed below
    servers = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
               for command in server_commands(ports)]
    try:
        wait_until_serving(ports, log_name)
        meter = asyncio.run(calibrate(ports, calibration, contest_id, servers)) if calibration else None
        load_before = load_averages()
        groups = {"server": server_pids(servers), "postgres": database_backend_pids(args.db)}
        cpu_before = {name: cpu_by_pid(pids) for name, pids in groups.items()}
        total, timings, errors = asyncio.run(rush(ports, sessions, contest_id))
        groups["postgres"] = sorted(set(groups["postgres"]) | set(database_backend_pids(args.db)))
        cpu_spent = {
            name: sum(now - cpu_before[name].get(pid, 0.0) for pid, now in cpu_by_pid(pids).items())
            for name, pids in groups.items()
        }
        load_after = load_averages()
    finally:
        for server in servers:
            stop(server)
        log.close()
    check = subprocess.run([sys.executable, "-c", (
        "import django; django.setup()\n"
        "from online_contests.models import Attempt, AttemptAnswer\n"
        "print(Attempt.objects.count(), Attempt.objects.filter(finish='submitted').count(), "
        "AttemptAnswer.objects.count())"
    )], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()
    requests = sum(len(v) for v in timings.values())
    all_times = [t for values in timings.values() for t in values]
    every_met = True
    rows = []
    for kind in KINDS:
        values = timings[kind]
        if not values:
            continue
        p95 = percentile(values, 0.95)
        met = p95 <= 1.0 and not errors[kind]
        every_met &= met
        if meter and meter.counts[kind]:
            server_ms, postgres_ms = meter.per_request_ms(kind)
            ratio = server_ms / meter.per_request_ms("bare")[0]
            cpu = (f"{server_ms:.1f} / {postgres_ms:.1f} ms | {ratio:.1f}× "
                   f"({'met' if ratio <= CPU_TARGET else '**not met**'})")
        else:
            cpu = "— | —"
        rows.append(f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.0f} ms | {p95 * 1000:.0f} ms | "
                    f"{max(values) * 1000:.0f} ms | {len(errors[kind])} | {cpu} | {'met' if met else '**not met**'} |")
    if args.http == "gunicorn":
        shape = (f"gunicorn, {args.workers} sync workers (`quizsite.wsgi`, DB_POOL_MAX_SIZE=4, as docs/deployment.md "
                 "serves pages; daphne serves only `/ws/`, which an online contest does not use)")
    else:
        shape = (f"{args.workers} daphne process(es) (`quizsite.asgi`, the one-server shape; students spread "
                 "round-robin)")
    body = (
        f"{args.students} students arrive uniformly over {args.arrival:.0f} s; each loads the contest page, starts, "
        f"loads the {question_count}-question sheet, saves {args.answers} answers with {args.think[0]:g}–"
        f"{args.think[1]:g} s think time, then submits. {shape}; DEBUG=0, PostgreSQL on the same machine "
        f"(CONN_MAX_AGE={args.conn_max_age}, connection pool per process); at most "
        f"{args.max_inflight or 'unlimited'} requests in flight per listening port, as a reverse proxy's upstream "
        "limit would queue them (latency includes that queueing); sessions prepared in advance (login storms: see "
        "the login section). Load average (1/5/15 min) before the rush "
        f"{load_before}, after {load_after}, on {os.cpu_count()} cores (other work on the machine lowers the "
        "figures).\n\n"
        f"CPU per request (server / this database's PostgreSQL backends) comes from {args.calibrate} further "
        f"students sent through alone before the rush, one request at a time, after {warm} warm-up students. Target: every request kind p95 ≤ 1 s with 0 errors.\n\n"
        "| request | count | p50 | p95 | max | errors | CPU per request alone: server / PostgreSQL | server CPU × bare "
        "(≤ 3×) | p95 target |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
        + (f"| bare view (`/bench/bare/`, alone) | {BARE_REQUESTS} | | | | | "
           "{:.1f} / {:.1f} ms | 1 | |\n".format(*meter.per_request_ms("bare")) if meter else "")
        + "\n".join(rows) + "\n"
        f"| all | {requests} | {statistics.median(all_times) * 1000:.0f} ms | "
        f"{percentile(all_times, 0.95) * 1000:.0f} ms | {max(all_times) * 1000:.0f} ms | "
        f"{sum(len(v) for v in errors.values())} | {1000 * cpu_spent['server'] / requests:.1f} / "
        f"{1000 * cpu_spent['postgres'] / requests:.1f} ms (during the rush) | | "
        f"{'met' if every_met else '**not met**'} |\n\n"
        f"Wall time {total:.0f} s, {requests / total:.0f} requests/s served on average. Afterwards the database held "
        f"{check[0]} attempts ({args.students + warm + args.calibrate} students, {check[1]} submitted) and "
        f"{check[2]} saved "
        "answers."
    )
    sample = {kind: values[:3] for kind, values in errors.items() if values}
    if sample:
        body += f"\n\nFirst errors per kind: {sample}"
    section = "online-contests" if args.http == "gunicorn" else "online-contests-daphne"
    title = "Online contest rush" + ("" if args.http == "gunicorn" else ", all HTTP through daphne")
    if args.students != 2000:
        section += f"-{args.students}"
        title += f", {args.students} students"
    write_section(section, title, body)
    print(body)


if __name__ == "__main__":
    main()
