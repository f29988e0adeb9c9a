"""Teacher and admin pages: a fixed number of queries, whatever the number of students, classes and completions."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from schools import services as school_services
from tests.factories import make_student
from tests.lessons.helpers import pass_lesson
from tests.online_contests.factories import make_contest

pytestmark = pytest.mark.django_db

# Session, user and roles (3) first; then what each page shows. The class page's
# panels (students, teachers, actions, lesson grid, live and online contests,
# coverage) need 15 between them once the class has an online contest.
PAGES = {
    "teacher": [("teacher_home", False, 11), ("classroom_detail", True, 18), ("classroom_lessons", True, 11),
                ("coverage_classroom", True, 22)],
    "school_admin": [("school_admin_home", False, 18), ("coverage_school", False, 17), ("classroom_detail", True, 18)],
    "province_admin": [("province_admin_home", False, 10), ("coverage_province", False, 17)],
}
CASES = [(actor, name, per_class, budget) for actor, pages in PAGES.items() for name, per_class, budget in pages]


def _grow(world, course):
    """More students in the class, each with completions, more classes in the school, contests."""
    lessons = list(Lesson.objects.filter(key__in=["l1", "l2"]))
    for index in range(4):
        student = make_student(world.classroom, f"Học Sinh Thêm {index}")
        for lesson in lessons:
            pass_lesson(student, lesson)
    for name in ("12A1", "12A2"):
        make_student(school_services.classroom_create(school=world.school, school_year=world.year, name=name),
                     "Ngô Thị Thêm")
    make_contest(world)


@pytest.mark.parametrize(("actor", "name", "per_class", "budget"), CASES)
def test_staff_page_queries_do_not_grow_with_data(client, world, course, actor, name, per_class, budget,
                                                  django_assert_max_num_queries):
    client.force_login(getattr(world, actor))
    url = reverse(name, args=[world.classroom.pk] if per_class else [])
    pass_lesson(world.students[0], Lesson.objects.get(key="l1"))
    make_contest(world)  # every panel has something to show from the start
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
    _grow(world, course)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200
