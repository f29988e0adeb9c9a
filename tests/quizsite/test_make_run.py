"""`make run` serves the demo: the login page over HTTP and a /ws/health/ handshake."""

import asyncio
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import websockets

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_make_run_serves_login_page_and_websocket_health(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", VAR_DIR=str(tmp_path))
    process = subprocess.Popen(
        ["make", "run"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/accounts/login/", timeout=120, process=process)
        assert "Đăng nhập" in body
        assert asyncio.run(_ping(port)) == {"type": "pong"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=20)[0].decode()
    assert "hs.demo" in output and "demo2025" in output, output[-2000:]


def _wait_for(url: str, *, timeout: float, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("make run exited: " + process.stdout.read().decode()[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {timeout} s")


async def _ping(port: int) -> dict:
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/ws/health/", origin=f"http://127.0.0.1:{port}"
    ) as socket:
        await socket.send(json.dumps({"type": "ping"}))
        return json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
