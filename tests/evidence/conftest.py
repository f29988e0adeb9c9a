import pytest

from lessons.selectors import DEFAULT_COURSE_KEY
from tests.coverage.helpers import make_course
from tests.evidence.factories import make_check_items, pair
from tests.factories import make_student


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


@pytest.fixture
def full_class(world):
    """10A1 grows to 12 students, each with both checks: 20% → 80%, nobody 'can do' before, all after."""
    for i in range(9):
        make_student(world.classroom, f"Học Sinh Thêm {i}", consent=False)
    for enrollment in world.classroom.enrollments.select_related("student"):
        pair(enrollment.student)
    pair(make_student(world.other_classroom, "Học Sinh Lớp Khác", consent=False))
    return world
