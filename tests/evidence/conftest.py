import pytest

from lessons.selectors import DEFAULT_COURSE_KEY
from tests.coverage.helpers import make_course
from tests.evidence.factories import make_check_items


@pytest.fixture
def course(db):
    """A small course under the platform's course key, so the course page shows it."""
    course = make_course()
    course.key = DEFAULT_COURSE_KEY
    course.save()
    return course


@pytest.fixture
def items(course):
    return make_check_items(course, per_form=3, lessons=2)
