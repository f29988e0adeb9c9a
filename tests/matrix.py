"""Data-driven access and escaping tables.

Every app adds its rows in ``tests/<app>/permission_rows.py`` (``ROWS``) and the
pages that show student names in ``tests/<app>/escaping_rows.py`` (``PAGES``);
``tests/test_permission_matrix.py`` and ``tests/test_escaping.py`` collect them all.

A permission row is ``(actor, method, url_builder, expected_status)``; an actor
is an attribute of ``tests.factories.World`` ("teacher", "school_admin", …),
"student" (the first student of the teacher's class) or "anonymous". A url
builder takes the World and returns the URL. ``expected`` is a status code or a
tuple of acceptable codes; "login" means a redirect to the login page.
"""

import importlib
import pkgutil
from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent


def collect(module_name: str, attribute: str) -> list:
    rows = []
    for info in pkgutil.iter_modules([str(TESTS_DIR)]):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.{module_name}")
        except ModuleNotFoundError:
            continue
        rows.extend(getattr(module, attribute))
    return rows


def actor_user(world, actor: str):
    if actor == "anonymous":
        return None
    if actor == "student":
        return world.students[0]
    return getattr(world, actor)
