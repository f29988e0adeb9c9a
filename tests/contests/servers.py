"""Real daphne processes and WebSocket clients for the fault tests."""

import asyncio
import json
import os
import signal
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


class Daphne:
    """One daphne worker on a fixed port, started and killed by the test."""

    def __init__(self, port: int, env: dict, log: Path):
        self.port = port
        self.env = env
        self.log_path = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "Daphne":
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), "quizsite.asgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
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
        raise RuntimeError("daphne did not start: " + self.log_path.read_text(errors="replace"))

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
