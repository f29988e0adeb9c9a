"""A student named `<script>…` is shown escaped on every page that shows names.

Pages come from every app's escaping_rows.py: ``PAGES = [(actor, url_builder), …]``.
"""

import pytest

from tests.matrix import actor_user, collect

PAGES = collect("escaping_rows", "PAGES")
EVIL = '<script>alert("x")</script>Hằng'


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[f"{a}-{getattr(b, 'label', b.__name__)}" for a, b in PAGES])
def test_names_are_escaped(client, world, page):
    actor, builder = page
    for student in world.students:
        student.full_name = EVIL
        student.save()
    client.force_login(actor_user(world, actor))
    response = client.get(builder(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body
