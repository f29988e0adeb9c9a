"""Fixtures for the lessons tests: the real curriculum loaded, and helpers to answer questions."""

import shutil

import pytest

from lessons import services
from lessons.models import Lesson


@pytest.fixture
def course(db):
    return services.curriculum_load().course


@pytest.fixture
def lesson(course):
    """Lesson 1: no simulation, mastery 80%."""
    return Lesson.objects.get(key="l1")


@pytest.fixture
def student(world):
    return world.students[0]


@pytest.fixture
def curriculum_copy(tmp_path):
    """A writable copy of the curriculum files, to break on purpose."""
    root = tmp_path / "curriculum"
    shutil.copytree(services.CURRICULUM_ROOT, root)
    return root
