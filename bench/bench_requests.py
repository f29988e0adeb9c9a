"""Server CPU per request for every page each role opens, next to a bare view measured in the same run.

    .venv/bin/python bench/bench_requests.py                    # PostgreSQL qs_bench_requests, gunicorn and daphne
    .venv/bin/python bench/bench_requests.py --http gunicorn --requests 300

The database (created if missing) is migrated, loaded with the curriculum and
the demo data (`seed_demo`), so a fresh machine needs nothing else. One server
process serves the pages: a gunicorn sync worker (`quizsite.wsgi`, the deployed
shape for HTTP, docs/deployment.md) or one daphne process (`quizsite.asgi`,
`make run` and the school-LAN shape). The client sends sequential requests as a
logged-in user of each role, one connection each.

The bare view (`bench/urls.py`) goes through the whole middleware stack and
reads ``request.user``: the session and user lookups every page pays. Each row
gives the server's CPU per request (user + system time from /proc), its ratio to
the bare view, PostgreSQL's CPU per request (every backend on the machine) and
the median latency; the target is 3× the bare view for student pages, 6× for
staff pages.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
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

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/qs_bench_requests"
LOG = "var/bench-requests-server.log"

# One logged-in session per demo role, and the ids the pages need.
PREPARE = """
import json, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from lessons.models import Lesson
from online_contests.models import OnlineContest
from schools.models import Classroom, User
out = {}
for username in ("hs.demo", "gv.lan", "ql.pbc", "so.gialai"):
    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if username == "hs.demo":
        session["is_student"] = True
    session.create()
    out[username] = session.session_key
student = User.objects.get(username="hs.demo")
out["classroom"] = Classroom.objects.filter(enrollments__student=student).order_by("-school_year__starts_on").first().pk
out["lesson"] = Lesson.objects.filter(is_active=True).order_by("order").first().key
contest = OnlineContest.objects.filter(school__classrooms__pk=out["classroom"]).order_by("pk").first()
out["online_contest"] = contest.pk if contest else None
print("BENCH-JSON:" + json.dumps(out))
"""


@dataclass(frozen=True)
class Page:
    role: str  # "student" or "staff": which target applies
    user: str
    path: str


def _pages(ids: dict) -> list[Page]:
    student, teacher, school_admin, province_admin = "hs.demo", "gv.lan", "ql.pbc", "so.gialai"
    pages = [
        Page("bare", student, "/bench/bare/"),
        Page("student", student, "/student/"),
        Page("student", student, "/lessons/"),
        Page("student", student, f"/lessons/{ids['lesson']}/"),
        Page("student", student, "/certificates/"),
        Page("student", student, "/contests/join/"),
        Page("staff", teacher, "/teacher/"),
        Page("staff", teacher, f"/classes/{ids['classroom']}/"),
        Page("staff", teacher, f"/lessons/classes/{ids['classroom']}/"),
        Page("staff", teacher, f"/coverage/classes/{ids['classroom']}/"),
        Page("staff", teacher, "/contests/"),
        Page("staff", school_admin, "/school/"),
        Page("staff", school_admin, "/coverage/school/"),
        Page("staff", school_admin, "/online-contests/manage/"),
        Page("staff", province_admin, "/province/"),
        Page("staff", province_admin, "/coverage/province/"),
    ]
    if ids["online_contest"]:
        pages.insert(6, Page("student", student, f"/online-contests/{ids['online_contest']}/"))
    return pages


def _env(workdir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "REDIS_URL"}}
    env.setdefault("DATABASE_URL", DEFAULT_DB)
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", VAR_DIR=str(workdir), DEBUG="0", HTTPS="0",
               ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="ERROR")
    return env


def _prepare(env: dict) -> dict:
    if env["DATABASE_URL"].startswith("postgres"):
        ensure_postgres_database(env["DATABASE_URL"])
    for command in (["migrate", "--noinput"], ["load_curriculum"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    result = subprocess.run([sys.executable, "-c", PREPARE], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH-JSON:"))
    return json.loads(line[len("BENCH-JSON:"):])


def _get(port: int, path: str, session: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"sessionid={session}", "Connection": "close"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, len(body), time.perf_counter() - started


@dataclass
class Row:
    page: Page
    status: int
    size: int
    server_ms: float
    postgres_ms: float
    median_ms: float


def _measure(port: int, page: Page, session: str, servers: list[subprocess.Popen], requests: int) -> Row:
    for _ in range(20):  # warm the worker's caches and the connection pool
        status, size, _ = _get(port, page.path, session)
    groups = {"server": server_pids(servers), "postgres": postgres_pids()}
    before = {name: cpu_by_pid(pids) for name, pids in groups.items()}
    latencies = [_get(port, page.path, session)[2] for _ in range(requests)]
    groups["postgres"] = sorted(set(groups["postgres"]) | set(postgres_pids()))
    spent = {
        name: sum(now - before[name].get(pid, 0.0) for pid, now in cpu_by_pid(pids).items())
        for name, pids in groups.items()
    }
    return Row(page, status, size, 1000 * spent["server"] / requests, 1000 * spent["postgres"] / requests,
               1000 * statistics.median(latencies))


def _server_command(http_server: str, port: int) -> list[str]:
    if http_server == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "quizsite.wsgi:application"]
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"]


def _run(http_server: str, env: dict, ids: dict, requests: int) -> list[Row]:
    port = free_port()
    Path(ROOT / LOG).parent.mkdir(exist_ok=True)
    with open(ROOT / LOG, "w") as log:
        server = subprocess.Popen(_server_command(http_server, port), cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        wait_until_serving([port], LOG)
        return [_measure(port, page, ids[page.user], [server], requests) for page in _pages(ids)]
    finally:
        stop(server)


def _table(rows: list[Row]) -> str:
    bare = rows[0].server_ms
    lines = [
        "| page | user | status | KB | server CPU ms/req | × bare | target | met | PostgreSQL CPU ms/req | median ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = row.server_ms / bare
        target = {"bare": None, "student": 3, "staff": 6}[row.page.role]
        met = "" if target is None else ("yes" if ratio <= target and row.status == 200 else "no")
        lines.append(
            f"| `{row.page.path}` | {row.page.user} | {row.status} | {row.size / 1024:.1f} | {row.server_ms:.2f} | "
            f"{ratio:.1f} | {f'≤ {target}×' if target else '—'} | {met} | {row.postgres_ms:.2f} | "
            f"{row.median_ms:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--http", choices=["gunicorn", "daphne", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    args = parser.parse_args()
    load_before = load_averages()
    with tempfile.TemporaryDirectory() as workdir:
        env = _env(Path(workdir))
        ids = _prepare(env)
        servers = ["gunicorn", "daphne"] if args.http == "both" else [args.http]
        tables = {name: _table(_run(name, env, ids, args.requests)) for name in servers}
    load_after = load_averages()
    for name, table in tables.items():
        print(f"\n{name}\n{table}")
        write_section(
            f"requests-{name}",
            f"Server CPU per request, every role's pages ({name}, one process)",
            f"Database: {env['DATABASE_URL'].split('@')[-1]} with the demo data; {args.requests} sequential "
            f"requests per page after 20 warm-up requests, one connection each. Load average (1/5/15 min) "
            f"before {load_before}, after {load_after}.\n\n{table}",
        )


if __name__ == "__main__":
    main()
