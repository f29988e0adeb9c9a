"""Signed-in pages and exports are never cached (lab PCs are shared); every page has a CSP that allows
only our own script files, and no template relies on inline scripts, handlers or styles."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.contests.helpers import finished_contest
from tests.matrix import actor_user, collect

ROWS = [row for row in collect("permission_rows", "ROWS") if row[1] == "GET" and row[3] == 200 and row[0] != "anonymous"]
TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
RANGE = {"date_from": "2025-09-05", "date_to": "2026-05-31"}


def assert_private(response, where) -> None:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (where, response.get("Cache-Control"))


def assert_csp(response, where) -> None:
    policy = response.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0], where
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, where


@pytest.mark.django_db
def test_every_signed_in_page_is_private_no_store_with_the_csp(client, world):
    assert len(ROWS) > 30
    for actor, _method, builder, _expected in ROWS:
        client.force_login(actor_user(world, actor))
        url = builder(world)
        response = client.get(url)
        assert response.status_code == 200, (actor, url)
        assert_private(response, (actor, url))
        if response.get("Content-Type", "").startswith("text/html"):
            assert_csp(response, (actor, url))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["coverage_export_classroom", "contest_export"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_with_student_names_are_private_no_store(client, world, name, file_format):
    if name == "contest_export":
        url = reverse(name, args=[finished_contest(world).pk, file_format])
    else:
        url = reverse(name, args=[world.classroom.pk, file_format])
    client.force_login(world.teacher)
    response = client.get(url, RANGE)
    assert response.status_code == 200
    assert_private(response, url)


@pytest.mark.django_db
def test_public_pages_have_the_csp(client):
    for url in (reverse("login"), "/"):
        assert_csp(client.get(url), url)


@pytest.mark.parametrize("template", TEMPLATES, ids=[str(t.relative_to(settings.BASE_DIR)) for t in TEMPLATES])
def test_templates_have_no_inline_script_handler_or_style(template):
    text = template.read_text()
    inline_scripts = [tag for tag in re.findall(r"<script\b[^>]*>", text) if "src=" not in tag
                      and 'type="application/json"' not in tag]
    assert not inline_scripts
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text) and "<style" not in text, "inline style"
    assert "javascript:" not in text
