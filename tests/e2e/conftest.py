"""End-to-end harness: a real daphne server on a free port and Debian's Chromium.

The server runs the production ASGI app (HTTP + WebSockets) on its own SQLite
file, prepared with migrate, load_curriculum and seed_demo, so the browser sees
exactly what `make run` serves. Run these tests in their own pytest process
(`pytest -m e2e`): Playwright's sync API and pytest-asyncio don't share a loop.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import free_port, need

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _server_env(db_path: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"TEST_DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DJANGO_SETTINGS_MODULE="quizsite.settings",
        DATABASE_URL=f"sqlite:///{db_path}",
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOGIN_FAILURES_PER_IP="100000",
        VAR_DIR=str(db_path.parent),
    )
    env.pop("REDIS_URL", None)
    env.pop("PUBLIC_BASE_URL", None)  # links derive from the request, as with `make run`
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


class LiveServer:
    def __init__(self, port: int, env: dict, process: subprocess.Popen):
        self.port = port
        self.env = env
        self.process = process
        self.url = f"http://127.0.0.1:{port}"

    def manage(self, *args: str) -> None:
        _manage(self.env, *args)


@pytest.fixture(scope="session")
def live_server_url():
    """Start daphne on a prepared demo database; yield the server."""
    workdir = Path(tempfile.mkdtemp(prefix="e2e-", dir=ROOT / "var"))
    port = free_port()
    env = _server_env(workdir / "db.sqlite3", port)
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_curriculum")
    _manage(env, "seed_demo")
    log = open(workdir / "daphne.log", "wb")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "quizsite.asgi:application"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    server = LiveServer(port, env, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(server.url + "/accounts/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError("daphne did not start: " + (workdir / "daphne.log").read_text())
    yield server
    process.terminate()
    process.wait(timeout=10)
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    need(Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Open extra independent browser contexts (separate cookies), e.g. several players."""
    contexts = []

    def make(viewport=None):
        context = browser.new_context(locale="vi-VN", viewport=viewport or {"width": 390, "height": 844})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, server: LiveServer, username: str, password: str = "demo2025") -> None:
    page.goto(server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_load_state("networkidle")


def logout(page) -> None:
    page.click("button:has-text('Đăng xuất')")
    page.wait_for_url("**/accounts/login/")


def assert_accessible(page) -> None:
    """axe-core through axe-playwright-python: no serious or critical WCAG violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    assert not bad, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
