"""Role × URL × expected status, collected from every app's permission_rows.py."""

import pytest

from tests.matrix import actor_user, collect

ROWS = collect("permission_rows", "ROWS")


def _row_id(row) -> str:
    actor, method, builder, expected = row
    return f"{actor}-{method}-{getattr(builder, 'label', builder.__name__)}-{expected}"


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[_row_id(r) for r in ROWS])
def test_access(client, world, row):
    actor, method, builder, expected = row
    user = actor_user(world, actor)
    if user is not None:
        client.force_login(user)
    url = builder(world)
    response = client.get(url) if method == "GET" else client.post(url, {})
    if expected == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (url, response.status_code)
    else:
        allowed = expected if isinstance(expected, tuple) else (expected,)
        assert response.status_code in allowed, (actor, url, response.status_code)


def test_matrix_has_rows_for_every_app():
    apps = {getattr(row[2], "__module__", "").split(".")[1] for row in ROWS}
    assert {"schools"} <= apps
