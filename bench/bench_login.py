"""Login storm: N students log in at once; time until every login completed.

    .venv/bin/python bench/bench_login.py            # gunicorn, 4 workers; 40 (first after start), 40, 400; SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/qs_bench_login .venv/bin/python bench/bench_login.py
    .venv/bin/python bench/bench_login.py --http daphne

Servers (``--http``): docs/deployment.md serves pages, the login page
included, from gunicorn (sync workers, two per core); daphne
(one process) is the ``make run`` shape. The first storm hits the server as
soon as it answers, as a class does right after a restart. Each student GETs
the login page (CSRF cookie), then POSTs the form; Argon2id with OWASP's
minimum parameters (the production hasher) verifies each password.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._report import write_section  # noqa: E402
from bench._servers import load_averages, stop, wait_until_serving  # noqa: E402

PASSWORD = "Bench-login-2025"
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "40,400").split(",")]


def _env(workdir: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "REDIS_URL"}}
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'db.sqlite3'}")
    env.update(DJANGO_SETTINGS_MODULE="quizsite.settings", VAR_DIR=str(workdir), DEBUG="0", HTTPS="0",
               ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="ERROR", LOGIN_FAILURES_PER_IP="1000000")
    return env


def _prepare(env: dict, count: int) -> None:
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    script = f"""
import django; django.setup()
from django.contrib.auth.hashers import make_password
from tests.factories import make_year, make_province, make_school
from schools import services
from schools.models import User
if not User.objects.filter(username__startswith='bench').exists():
    year = make_year(); school = make_school(make_province()); hashed = make_password({PASSWORD!r})
    classroom = services.classroom_create(school=school, school_year=year, name='10A1')
    for i in range({count}):
        student, _ = services.student_create(classroom=classroom, full_name=f'Học Sinh {{i}}')
        User.objects.filter(pk=student.pk).update(username=f'bench{{i}}', password=hashed, must_change_password=False)
"""
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def _login(base: str, username: str) -> float:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    start = time.perf_counter()
    page = opener.open(base + "/accounts/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"})
    try:
        response = opener.open(request, timeout=120)
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{username}: HTTP {error.code} at {error.url}: {error.read()[:300]!r}") from error
    if "/accounts/login/" in response.geturl():
        raise RuntimeError(f"login failed for {username}")
    return time.perf_counter() - start


def _storm(base: str, count: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        durations = list(pool.map(lambda i: _login(base, f"bench{i}"), range(count)))
    return time.perf_counter() - start, durations


def _hash_cost() -> float:
    from argon2 import PasswordHasher

    hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    encoded = hasher.hash(PASSWORD)
    start = time.perf_counter()
    for _ in range(20):
        hasher.verify(encoded, PASSWORD)
    return (time.perf_counter() - start) / 20


def _server_command(http: str, port: int, workers: int) -> list[str]:
    if http == "gunicorn":
        return [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", str(workers),
                "--timeout", "120", "quizsite.wsgi:application"]
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--http", choices=["gunicorn", "daphne"], default="gunicorn")
    parser.add_argument("--workers", type=int, default=2 * os.cpu_count(), help="gunicorn workers")
    args = parser.parse_args()
    storms = [("first storm after start", SIZES[0]), ("again, warm", SIZES[0])] + [
        ("warm", count) for count in SIZES[1:]
    ]
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as tmp:
        workdir = Path(tmp)
        sock = __import__("socket").socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        env = _env(workdir, port)
        _prepare(env, max(SIZES))
        load_before = load_averages()
        log_name = f"var/bench-login-{args.http}.log"
        with open(ROOT / log_name, "w") as log:
            server = subprocess.Popen(_server_command(args.http, port, args.workers), cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            started = time.perf_counter()
            wait_until_serving([port], log_name, seconds=120)
            serving_after = time.perf_counter() - started
            rows = []
            for label, count in storms:
                total, durations = _storm(base, count)
                durations.sort()
                met = "met" if total <= 2 else "**not met**"
                rows.append(f"| {count} ({label}) | {total:.2f} s | {statistics.median(durations):.2f} s | "
                            f"{durations[int(len(durations) * 0.95) - 1]:.2f} s | 0 | "
                            f"{met if count == SIZES[0] else '—'} |")
        finally:
            stop(server)
        load_after = load_averages()
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    shape = (f"gunicorn, {args.workers} sync workers (`quizsite.wsgi`, as docs/deployment.md serves "
             "pages)" if args.http == "gunicorn" else "one daphne process (`quizsite.asgi`)")
    body = (
        f"Argon2id (19 MiB, t=2, p=1) verify cost: {_hash_cost() * 1000:.0f} ms per login (single thread).\n"
        f"{shape}, DEBUG=0, {database}; each student loads the login page, then posts the form. The server "
        f"answered {serving_after:.1f} s after it was started; the first storm starts then. Load average (1/5/15 "
        f"min) before {load_before}, after {load_after}, on {os.cpu_count()} cores (other work on the machine "
        f"lowers the figures). Target: a class of {SIZES[0]}, the first storm after a restart included, in ≤ 2 s.\n\n"
        "| students at once | all logged in after | median per student | p95 per student | failures | target |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows)
    )
    section = "login-storm" if args.http == "gunicorn" else "login-storm-daphne"
    write_section(section, "Login storm" + ("" if args.http == "gunicorn" else ", daphne"), body)
    print(body)


if __name__ == "__main__":
    main()
