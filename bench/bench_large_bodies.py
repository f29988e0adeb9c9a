"""Daphne's memory under unauthenticated large bodies: 50 MB multipart POSTs to the login page.

    .venv/bin/python bench/bench_large_bodies.py [--before PATH]

Starts daphne alone (as `make run` and the school-LAN set-up serve HTTP) on a
free port with an SQLite database, reads its resident memory (VmRSS) after
one login page, then sends one 50 MB multipart POST to /accounts/login/, then
four at once, and reads VmRSS and the peak (VmHWM) after each. ``--before
PATH`` does the same against another checkout (the code before the body limit).
"""

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._servers import free_port, stop, wait_until_serving  # noqa: E402

BODY_MB = int(os.environ.get("BODY_MB", "50"))


def _memory(pid: int) -> tuple[float, float]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _post(port: int, statuses: list) -> None:
    boundary = "benchboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    size = len(head) + BODY_MB * 1024 * 1024 + len(tail)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.putrequest("POST", "/accounts/login/")
        connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        connection.putheader("Content-Length", str(size))
        connection.endheaders()
        connection.send(head)
        block = b"a" * (1024 * 1024)
        for _ in range(BODY_MB):
            connection.send(block)
        connection.send(tail)
        statuses.append(connection.getresponse().status)
    except OSError as error:  # the server may answer and close before the whole body is sent
        statuses.append(f"closed ({type(error).__name__})")
    finally:
        connection.close()


def _measure(code: str) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory() as var_dir:
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "quizsite.settings", "DEBUG": "1", "VAR_DIR": var_dir,
            "DATABASE_URL": f"sqlite:///{var_dir}/db.sqlite3", "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": code, "LOG_LEVEL": "ERROR",
        }
        env.pop("REDIS_URL", None)
        log = Path(var_dir) / "daphne.log"
        with open(log, "w") as out:
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=code, env=env, check=True)
            server = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"],
                cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
            try:
                wait_until_serving([port], str(log))
                idle = _memory(server.pid)[0]
                statuses: list = []
                _post(port, statuses)
                time.sleep(1)
                one = _memory(server.pid)
                threads = [threading.Thread(target=_post, args=(port, statuses)) for _ in range(4)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
                time.sleep(1)
                four = _memory(server.pid)
            finally:
                stop(server)
    return {"idle": idle, "one": one, "four": four, "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", help="another checkout to measure against")
    args = parser.parse_args()
    from bench._report import write_section

    runs = [("before", args.before)] if args.before else []
    runs.append(("after", str(ROOT)))
    lines = []
    for label, code in runs:
        f = _measure(code)
        lines.append(
            f"| {label} | {f['idle']:.0f} MB | {f['one'][0]:.0f} MB (peak {f['one'][1]:.0f}) | "
            f"{f['four'][0]:.0f} MB (peak {f['four'][1]:.0f}) | {', '.join(map(str, f['statuses']))} |"
        )
        print(lines[-1], flush=True)
    body = (
        f"daphne alone, SQLite, DEBUG=1; {BODY_MB} MB multipart POSTs to /accounts/login/ (no session, no CSRF "
        "token), one, then four at once. \"before\": no limit in front of Django; \"after\": the ASGI wrapper "
        "(`quizsite.body_limit`) answers 413 from the Content-Length header without reading the body "
        "(MAX_REQUEST_BODY_BYTES, 8 MB). daphne (Twisted) still receives each body before calling the "
        "application: the proxy must refuse it first (docs/deployment.md).\n\n"
        "| code | VmRSS idle | after one POST | after four at once | statuses |\n|---|---|---|---|---|\n"
        + "\n".join(lines)
    )
    write_section("large-bodies", "Large unauthenticated request bodies (daphne memory)", body)
    print(body)


if __name__ == "__main__":
    main()
