"""Online contest rush: N students start within a minute and save their answers, against daphne on PostgreSQL.

    .venv/bin/python bench/bench_online_contests.py [--students 2000] [--answers 20] [--think 5 15]
        [--db postgres://postgres@127.0.0.1:5432/qs_bench_online_contests]

Creates its own database, migrates, loads the curriculum, enrols the students
(bulk rows) with ready sessions (logins are measured by bench_login.py), and
opens a 20-question, 15-minute school contest. Each simulated student, on its
own keep-alive connection, arrives at a uniformly random moment in the first
minute: loads the contest page, starts (POST), loads the answer sheet, saves
``--answers`` answers as the page's script does (POST, JSON) with a random
think time between them, then submits. Latency per request kind, p50/p95/max,
and errors go to docs/benchmarks.md.
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
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section
from bench._servers import wait_until_serving

parser = argparse.ArgumentParser()
parser.add_argument("--students", type=int, default=2000)
parser.add_argument("--answers", type=int, default=20)
parser.add_argument("--arrival", type=float, default=60.0, help="seconds over which students start")
parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), help="seconds between answers (min max)")
parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/qs_bench_online_contests")
parser.add_argument("--conn-max-age", default="0")
parser.add_argument("--workers", type=int, default=1, help="daphne processes; students are spread round-robin")
parser.add_argument("--max-inflight", type=int, default=30,
                    help="requests in flight per daphne process, queued beyond that as a reverse proxy's upstream "
                         "limit would (0: unlimited; Django under ASGI opens one database connection per request "
                         "in flight, so unlimited bursts exhaust PostgreSQL's max_connections without a pool)")
args = parser.parse_args()

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


def server_env(port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="quizsite.settings", DATABASE_URL=args.db, DEBUG="1", HTTPS="0",
               CONN_MAX_AGE=args.conn_max_age, ALLOWED_HOSTS="127.0.0.1", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    return env


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


async def student(port, gate, session_key, contest_id, delay, timings, errors):
    csrf = secrets.token_hex(16)
    conn = Connection(port, f"sessionid={session_key}; csrftoken={csrf}")
    post_headers = {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
    rng = random.Random(session_key)

    async def timed(kind, method, path, body=b"", headers=None, expect=200):
        start = time.perf_counter()
        try:
            async with gate:
                status, response_headers, payload = await conn.request(method, path, body, headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
            errors[kind].append(repr(error))
            conn.writer = None
            return None, None
        timings[kind].append(time.perf_counter() - start)
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
        await asyncio.sleep(rng.uniform(*args.think))
        body = urlencode([("question", question), *[("response", v) for v in values]]).encode()
        await timed("save answer", "POST", attempt_path + "answer/", body, json_headers)
    await timed("submit", "POST", attempt_path + "submit/", b"", post_headers, 302)


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


def main() -> None:
    recreate_database(args.db)
    ports = []
    for _ in range(args.workers):
        sock = __import__("socket").socket()
        sock.bind(("127.0.0.1", 0))
        ports.append(sock.getsockname()[1])
        sock.close()
    port = ports[0]
    env = server_env(port)
    for command in (["migrate", "--noinput"], ["load_curriculum"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    output = subprocess.run([sys.executable, "-c", PREPARE.format(count=args.students)], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True).stdout.split()
    contest_id, question_count, sessions = output[0], output[1], output[2:]
    log = open(ROOT / "var" / "bench-online-contests-daphne.log", "wb")  # noqa: SIM115 - closed below
    servers = [
        subprocess.Popen([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(p), "quizsite.asgi:application"],
                         cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for p in ports
    ]
    try:
        wait_until_serving(ports, "var/bench-online-contests-daphne.log")
        load_before = os.getloadavg()[0]
        total, timings, errors = asyncio.run(rush(ports, sessions, contest_id))
        load_after = os.getloadavg()[0]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        log.close()
    check = subprocess.run([sys.executable, "-c", (
        "import django; django.setup()\n"
        "from online_contests.models import Attempt, AttemptAnswer\n"
        "print(Attempt.objects.count(), Attempt.objects.filter(finish='submitted').count(), "
        "AttemptAnswer.objects.count())"
    )], cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.split()
    requests = sum(len(v) for v in timings.values())
    rows = []
    for kind in ["contest page", "start", "answer sheet", "save answer", "submit"]:
        values = timings[kind]
        if not values:
            continue
        rows.append(f"| {kind} | {len(values)} | {statistics.median(values) * 1000:.0f} ms | "
                    f"{percentile(values, 0.95) * 1000:.0f} ms | {max(values) * 1000:.0f} ms | {len(errors[kind])} |")
    all_times = [t for values in timings.values() for t in values]
    body = (
        f"{args.students} students arrive uniformly over {args.arrival:.0f} s; each loads the contest page, starts, "
        f"loads the {question_count}-question sheet, saves {args.answers} answers with {args.think[0]:.0f}–"
        f"{args.think[1]:.0f} s think time, then submits. {args.workers} daphne process(es) (students spread "
        f"round-robin, at most {args.max_inflight or 'unlimited'} requests in flight per process, as a reverse "
        "proxy's upstream limit would queue them; latency includes that queueing), PostgreSQL "
        f"(CONN_MAX_AGE={args.conn_max_age}), sessions prepared in advance (login storms: see the login section).\n\n"
        "| request | count | p50 | p95 | max | errors |\n|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
        f"| all | {requests} | {statistics.median(all_times) * 1000:.0f} ms | "
        f"{percentile(all_times, 0.95) * 1000:.0f} ms | {max(all_times) * 1000:.0f} ms | "
        f"{sum(len(v) for v in errors.values())} |\n\n"
        f"Wall time {total:.0f} s ({requests / total:.0f} requests/s on average). Afterwards the database held "
        f"{check[0]} attempts (one per student, {check[1]} submitted) and {check[2]} saved answers. "
        f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} cores "
        "shared with other work: figures are for this machine at that moment."
    )
    sample = {kind: values[:3] for kind, values in errors.items() if values}
    if sample:
        body += f"\n\nFirst errors per kind: {sample}"
    write_section("online-contests", "Online contest rush", body)
    print(body)


if __name__ == "__main__":
    main()
