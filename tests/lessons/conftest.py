"""Fixtures for the lessons tests: the real curriculum loaded, and helpers to answer questions.

Writing the curriculum (8 lessons, ~140 questions, ~500 choices, row by row)
costs about half a second, so it is written once for the whole package and
committed. Every test still runs in its own transaction that is rolled back,
so a test that edits, retires or reloads curriculum rows leaves them as they
were for the next one. Tests of the loader itself start from an empty
curriculum with ``no_curriculum``.
"""

import shutil
from pathlib import Path

import pytest

from lessons import selectors, services
from lessons.models import Course, Lesson


@pytest.fixture(scope="package", autouse=True)
def _curriculum_committed(django_db_setup, django_db_blocker):
    """Load the real curriculum before the package's first test; remove it after the last.

    Package-scoped and autouse, so it is in place before any test's transaction
    starts, whatever the order the tests run in. Removing it afterwards leaves
    the test database as the other packages expect it.
    """
    with django_db_blocker.unblock():
        services.curriculum_load()
    yield
    with django_db_blocker.unblock():
        Course.objects.filter(key=selectors.DEFAULT_COURSE_KEY).delete()


@pytest.fixture
def course(db):
    """The real course (loaded again only if a transactional test emptied the database)."""
    return selectors.course_default() or services.curriculum_load().course


@pytest.fixture
def no_curriculum(db):
    """No curriculum in the database, for tests of the loader; the test's rollback brings it back."""
    Course.objects.all().delete()


@pytest.fixture
def lesson(course):
    """Lesson 1: no simulation, mastery 80%."""
    return Lesson.objects.get(key="l1")


@pytest.fixture
def student(world):
    return world.students[0]


CURRICULUM_V1 = Path(__file__).parent / "fixtures" / "curriculum_v1"


@pytest.fixture
def curriculum_copy(tmp_path, monkeypatch):
    """A writable copy of the frozen version 1 of the course, to break on purpose.

    The loader's tests edit it by exact text, so it never changes with the real curriculum;
    its illustrations live beside it.
    """
    root = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_V1, root)
    monkeypatch.setattr(services, "default_image_dir", lambda: CURRICULUM_V1 / "img")
    return root
