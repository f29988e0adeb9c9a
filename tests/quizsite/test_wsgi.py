"""The deployment shape at scale: pages from gunicorn (WSGI), live contests from daphne (ASGI), one login."""

import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.hashers import make_password

from schools.hashers import OwaspArgon2PasswordHasher
from tests.conftest import free_port
from tests.contests.servers import Daphne, Gunicorn, server_env
from tests.factories import PASSWORD, make_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def _log_in(opener, base: str, username: str, password: str = PASSWORD) -> str:
    """Post the login form (CSRF token included); return the page it lands on."""
    form = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    return opener.open(f"{base}/accounts/login/", data.encode(), timeout=10).read().decode()


def test_gunicorn_serves_pages_and_daphne_honours_its_session(tmp_path):
    student = make_world().students[0]
    # The servers run the production settings, which do not know the tests' fast hasher.
    student.password = make_password(PASSWORD, hasher=OwaspArgon2PasswordHasher.algorithm)
    student.save(update_fields=["password"])
    http_port, ws_port = free_port(), free_port()
    gunicorn = Gunicorn(http_port, server_env(http_port), tmp_path / "gunicorn.log")
    daphne = Daphne(ws_port, server_env(ws_port), tmp_path / "daphne.log")
    try:
        gunicorn.start()
        daphne.start()
        opener = _opener()
        landing = _log_in(opener, f"http://127.0.0.1:{http_port}", student.username)
        assert student.full_name in landing
        assert student.full_name in opener.open(f"http://127.0.0.1:{ws_port}/", timeout=10).read().decode()
        # A wrong password through gunicorn: the form again with the Vietnamese error, no session.
        stranger = _opener()
        assert "không đúng" in _log_in(stranger, f"http://127.0.0.1:{http_port}", student.username, "sai")
        assert student.full_name not in stranger.open(f"http://127.0.0.1:{ws_port}/", timeout=10).read().decode()
    finally:
        gunicorn.stop()
        daphne.stop()
