"""Starting, waiting for and measuring the servers a benchmark runs."""

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path


def wait_until_serving(ports: list[int], log: str, *, seconds: float = 30) -> None:
    """Return once every worker answers the login page; raise (pointing at `log`) if one never does."""
    for port in ports:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server on port {port} did not start: see {log}") from None
                time.sleep(0.2)


def ensure_postgres_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def cpu_by_pid(pids) -> dict[int, float]:
    """User + system CPU seconds of each process so far, from /proc (processes gone by now are left out)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def server_pids(servers: list[subprocess.Popen]) -> list[int]:
    """The server processes and their children (gunicorn's workers)."""
    pids = [server.pid for server in servers]
    for server in servers:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        if children.exists():
            pids += [int(child) for child in children.read_text().split()]
    return pids


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().startswith("postgres"):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def database_backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends connected to ``url``'s database (others' work on the server left out)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [pid for (pid,) in rows]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(server: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL: a server waits for its requests in progress, which an overload leaves queued."""
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def load_averages() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())
