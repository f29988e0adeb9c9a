"""Links people carry away (join QR codes, login slips, certificate QR codes) use the site's real address."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from certificates.documents import certificate_document
from quizsite.public import public_base_url
from tests.certificates.factories import issue_course

ROOT = Path(__file__).resolve().parents[2]


def test_a_set_public_base_url_wins_over_the_request(settings):
    settings.PUBLIC_BASE_URL = "https://dvctt.example.edu.vn"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8401")
    assert public_base_url(request) == "https://dvctt.example.edu.vn"


def test_unset_it_is_the_address_the_request_came_to(settings):
    settings.PUBLIC_BASE_URL = ""
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8401")
    assert public_base_url(request) == "http://127.0.0.1:8401"
    assert public_base_url(RequestFactory().get("/", secure=True, HTTP_HOST="localhost")) == "https://localhost"


def settings_output(**env) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.LOCAL_BASE_URL)"
    full = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_BASE_URL", "PORT", "DEBUG"}}
    full.update(DJANGO_SETTINGS_MODULE="quizsite.settings", SECRET_KEY="s" * 60, **env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full, capture_output=True, text=True, check=True)


def test_without_a_request_it_is_the_local_address_on_port():
    assert settings_output(PORT="8401").stdout.strip() == "http://127.0.0.1:8401"
    assert settings_output().stdout.strip() == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("env", "warned"),
    [
        ({"DEBUG": "0"}, True),
        ({"DEBUG": "0", "PUBLIC_BASE_URL": "https://dvctt.example.edu.vn"}, False),
        ({"DEBUG": "1"}, False),
    ],
)
def test_deployment_settings_warn_at_start_up_when_it_is_unset(env, warned):
    assert ("PUBLIC_BASE_URL is not set" in settings_output(**env).stderr) is warned


@pytest.mark.django_db
def test_certificates_link_to_the_request_address_when_unset(world, settings):
    settings.PUBLIC_BASE_URL = ""
    certificate = issue_course(world.students[0])
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8401")
    assert certificate_document(certificate, request).verify_url.startswith("http://127.0.0.1:8401/verify/")
