"""Real server processes (daphne, gunicorn, redis-server) and WebSocket clients for the fault tests."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.conf import settings
from django.db import connection
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the test database this process uses, for a server process to share it."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    parsed = urlparse(os.environ["TEST_DATABASE_URL"])
    return urlunparse(parsed._replace(path=f"/{params['NAME']}"))


def server_env(port: int, *, redis_url: str | None = None, prefix: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "TEST_DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="quizsite.settings",
        DATABASE_URL=database_url(),
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CONN_MAX_AGE="0",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    if redis_url:
        env.update(REDIS_URL=redis_url, CHANNEL_PREFIX=f"faults-{prefix}", CACHE_PREFIX=f"faults-{prefix}")
    return env


class WebServer:
    """One web server process on a fixed port, started and killed by the test."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port = port
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> "WebServer":
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{type(self).__name__} did not start: " + self.log_path.read_text(errors="replace"))

    def kill(self) -> None:
        """Kill -9: no clean shutdown, exactly like a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


class Daphne(WebServer):
    """A daphne worker: HTTP and WebSockets through the ASGI application."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "quizsite.asgi:application"]


class Gunicorn(WebServer):
    """gunicorn with two sync workers: plain HTTP through the WSGI application, as deployed."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{self.port}", "-w", "2", "quizsite.wsgi:application"]


class Client:
    """A WebSocket client that, like the page, reconnects and resumes by itself."""

    def __init__(self, port: int, path: str, cookie: str):
        self.port, self.path, self.cookie = port, path, cookie
        self.ws = None

    async def connect(self, attempts: int = 100) -> "Client":
        for _ in range(attempts):
            try:
                self.ws = await connect(
                    f"ws://127.0.0.1:{self.port}{self.path}",
                    origin=f"http://127.0.0.1:{self.port}",
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=2,
                )
                return self
            except (TimeoutError, OSError):
                await asyncio.sleep(0.2)
        raise RuntimeError(f"could not connect to {self.path}")

    async def send(self, message: dict) -> None:
        await self.ws.send(json.dumps(message))

    async def until(self, frame_type: str, timeout: float = 15) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame["type"] == frame_type:
                    return frame

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


REDIS_SERVER = "/usr/bin/redis-server"


class RedisServer:
    """A private redis-server on its own port, so a test may kill it (the machine's shared one is never touched)."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log_path = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def subscriptions(self) -> dict[str, int]:
        """Every Pub/Sub channel with its number of subscribers (what the workers' layers listen to)."""
        import redis

        with redis.Redis.from_url(self.url, socket_timeout=2) as client:
            channels = [c.decode() for c in client.pubsub_channels()]
            return {name.decode(): n for name, n in client.pubsub_numsub(*channels)} if channels else {}

    def start(self) -> "RedisServer":
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.ping():
                return self
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("redis-server did not start: " + self.log_path.read_text(errors="replace"))

    def kill(self) -> None:
        """Kill -9: every connection drops at once, nothing is saved."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    stop = kill


class Follower:
    """A socket that follows a contest the way the page does (static/js/contest-socket.js).

    Like the page: frames with a `seq` lower than the one on screen are dropped,
    a `seq` that jumps by more than one sends `sync`, a `state` snapshot replaces
    what the client knows, and when a question is shown (`question` frame, or a
    snapshot of an open question) the client expects a change by its deadline:
    if `seq` has not moved `grace` seconds after it (the page's `expectBy`,
    2 s), it sends `sync` once. `expect_by=False` leaves only the gap rule (a
    background tab, whose timers the browser throttles).

    A reader task records every kept frame in `frames`; tests wait on the view
    (`phase`, `index`, `seq`) or on frames with `wait`.
    """

    def __init__(self, client: Client, *, expect_by: bool = True, grace: float = 2.0):
        self.client = client
        self.expect_by, self.grace = expect_by, grace
        self.seq = -1
        self.offset_ms = 0.0
        self.phase: str | None = None
        self.index: int | None = None
        self.deadline: int | None = None
        self.frames: list[dict] = []
        self.dropped: list[dict] = []
        self.gap_syncs = 0
        self.silence_syncs = 0
        self.closed: int | None = None
        self._expected: tuple[int, float] | None = None  # (seq when shown, server time to have moved by)
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    @classmethod
    async def open(cls, port: int, path: str, cookie: str, **options) -> "Follower":
        follower = cls(await Client(port, path, cookie).connect(), **options)
        follower._tasks = [asyncio.create_task(follower._read()), asyncio.create_task(follower._watch())]
        return follower

    async def send(self, message: dict) -> None:
        await self.client.send(message)

    def _server_now_ms(self) -> float:
        return time.time() * 1000 + self.offset_ms

    async def _read(self) -> None:
        try:
            async for raw in self.client.ws:
                self._on_frame(json.loads(raw))
        except Exception:  # noqa: BLE001, S110 - a closed socket ends the reader; `closed` tells the test
            pass
        self.closed = self.client.ws.close_code or -1
        self._changed.set()

    def _on_frame(self, frame: dict) -> None:
        frame["_at"] = time.monotonic()
        if isinstance(frame.get("server_time"), int | float):
            self.offset_ms = frame["server_time"] - time.time() * 1000
        kind = frame["type"]
        if isinstance(frame.get("seq"), int):
            if kind != "state" and frame["seq"] < self.seq:
                self.dropped.append(frame)  # older than what is on screen
                return
            gap = kind != "state" and self.seq >= 0 and frame["seq"] > self.seq + 1
            self.seq = frame["seq"] if kind == "state" else max(self.seq, frame["seq"])
            if gap:
                self.gap_syncs += 1
                asyncio.get_running_loop().create_task(self.send({"type": "sync"}))
        self.frames.append(frame)
        self._view(frame)
        self._changed.set()

    def _view(self, frame: dict) -> None:
        kind = frame["type"]
        if kind == "state":
            phase = frame["phase"]
            self.phase = frame["paused_phase"] if phase == "paused" else phase
            self.index = (frame.get("question") or {}).get("index")
            self.deadline = frame.get("deadline")
            if phase == "question":
                self._expect(frame["deadline"])
        elif kind == "question":
            self.phase, self.index, self.deadline = "question", frame["index"], frame["deadline"]
            self._expect(frame["deadline"])
        elif kind in ("reveal", "leaderboard"):
            self.phase, self.index, self.deadline = kind, frame["index"], None
        elif kind == "finished":
            self.phase, self.deadline = "finished", None

    def _expect(self, deadline: int) -> None:
        """The page's `socket.expectBy(deadline)`: a later call replaces the earlier one."""
        if self.expect_by:
            self._expected = (self.seq, deadline + self.grace * 1000)

    async def _watch(self) -> None:
        while self.closed is None:
            await asyncio.sleep(0.1)
            if self._expected is None or self._server_now_ms() < self._expected[1]:
                continue
            seq, self._expected = self._expected[0], None
            if self.seq == seq:
                self.silence_syncs += 1
                try:
                    await self.send({"type": "sync"})
                except Exception:  # noqa: BLE001, S110 - the reader notices the closed socket
                    pass

    async def wait(self, predicate, timeout: float = 15, what: str = "") -> None:
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    if self.closed is not None:
                        raise AssertionError(f"socket closed ({self.closed}) waiting for {what}")
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            tail = [{k: v for k, v in f.items() if k in ("type", "seq", "index", "phase", "count")}
                    for f in self.frames[-8:]]
            raise AssertionError(f"timed out waiting for {what}; seq={self.seq} phase={self.phase} "
                                 f"index={self.index}; last frames {tail}") from None

    async def until_phase(self, phase: str, index: int | None = None, timeout: float = 15) -> None:
        await self.wait(lambda: self.phase == phase and (index is None or self.index == index), timeout,
                        f"{phase} {index}")

    def of_type(self, kind: str, **fields) -> list[dict]:
        return [f for f in self.frames if f["type"] == kind and all(f.get(k) == v for k, v in fields.items())]

    async def first(self, kind: str, timeout: float = 15, **fields) -> dict:
        await self.wait(lambda: bool(self.of_type(kind, **fields)), timeout, f"{kind} {fields}")
        return self.of_type(kind, **fields)[0]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.client.close()
