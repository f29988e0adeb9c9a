"""What the pages a student opens cost in queries: pinned, read once per request, not growing with data."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons import services
from lessons.models import Lesson
from online_contests import services as contest_services
from schools import services as school_services
from schools.models import Enrollment, SchoolYear
from tests.lessons.helpers import pass_lesson
from tests.online_contests.factories import make_contest

pytestmark = pytest.mark.django_db

# Every page pays the session, the user and the user's roles (3 queries) first.
STUDENT_HOME_QUERIES = 15  # + enrolment, lessons, completions, due dates, trained, live, online x2, guided, certificates,
#                            the unfinished practice and the open online attempt ("Tiếp tục")
COURSE_PAGE_QUERIES = 12  # + lessons, completions, enrolment, due dates, trained, and the entry/exit check offer (4)
CONTEST_PAGE_QUERIES = 6  # + enrolment, contest with its question count, own attempt


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def _captured(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return [query["sql"] for query in queries.captured_queries]


def _reads_of(table: str, sql: list[str]) -> int:
    return sum(1 for query in sql if re.search(rf'FROM "{table}"', query))


def test_student_home_reads_school_year_and_enrolment_once(student_client, world, course):
    """Five panels ask for this year's class: one query answers them all, and the year comes with it."""
    make_contest(world)
    sql = _captured(student_client, reverse("student_home"))
    assert _reads_of("schools_schoolyear", sql) == 0
    assert _reads_of("schools_enrollment", sql) == 1
    assert _reads_of("lessons_course", sql) == 0  # the course comes with its lessons
    assert len(sql) <= STUDENT_HOME_QUERIES


def test_student_home_queries_do_not_grow_with_data(student_client, world, student, course):
    make_contest(world)
    before = len(_captured(student_client, reverse("student_home")))
    for lesson in Lesson.objects.filter(key__in=["l1", "l2"]):
        pass_lesson(student, lesson)
        services.assignment_save(classroom=world.classroom, lesson=lesson, due_on=world.year.ends_on,
                                 assigned_by=world.teacher)
    for _ in range(3):
        contest = make_contest(world)
        contest_services.attempt_start(contest=contest, student=student, now=timezone.now())
    assert len(_captured(student_client, reverse("student_home"))) == before <= STUDENT_HOME_QUERIES


def test_student_home_shows_this_years_class(student_client, world, student, course):
    """A class in a later, not yet current year does not replace this year's on the home page."""
    later = SchoolYear.objects.create(
        name="2026-2027", starts_on=world.year.starts_on + timedelta(days=365),
        first_term_ends_on=world.year.first_term_ends_on + timedelta(days=365),
        ends_on=world.year.ends_on + timedelta(days=365),
    )
    next_class = school_services.classroom_create(school=world.school, school_year=later, name="11A9")
    Enrollment.objects.create(student=student, classroom=next_class, school_year=later)
    body = student_client.get(reverse("student_home")).content.decode()
    assert "Lớp 10A1" in body and "11A9" not in body


def test_course_page_reads_lessons_once(student_client, student, course):
    sql = _captured(student_client, reverse("course_overview"))
    assert _reads_of("lessons_lesson", sql) == 1 and _reads_of("lessons_course", sql) == 0
    pass_lesson(student, Lesson.objects.get(key="l1"))
    assert len(_captured(student_client, reverse("course_overview"))) == len(sql) <= COURSE_PAGE_QUERIES


def test_online_contest_page_queries(student_client, world, student, course):
    contest = make_contest(world)
    url = contest.get_absolute_url()
    fresh = _captured(student_client, url)
    contest_services.attempt_start(contest=contest, student=student, now=timezone.now())
    assert len(_captured(student_client, url)) == len(fresh) <= CONTEST_PAGE_QUERIES
    body = student_client.get(url).content.decode()
    assert f"{contest.question_count} câu hỏi" in body
