"""Dashboards, forms and their errors; query counts that do not grow with schools or classes."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coverage.models import GuidedPerson, Target, TrainingSession
from lessons.models import LessonCompletion
from schools import services as school_services
from schools.models import Enrollment, SchoolYear
from tests.coverage.helpers import at, attempt, train
from tests.factories import make_school, make_student, make_year

pytestmark = pytest.mark.django_db


def test_classroom_dashboard_shows_grid_missing_lessons_and_definitions(client, world, course):
    a, b, _c = world.students
    train(a, course, at(2025, 10, 1))
    attempt(b, course.lessons.first(), at(2025, 10, 2), 50)
    client.force_login(world.teacher)
    response = client.get(reverse("coverage_classroom", args=[world.classroom.pk]), {"as_of": "2025-12-31"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Trần Văn An" in body and "2 học sinh chưa được phổ cập" in body
    assert "Đã được phổ cập" in body and "class=\"hbars\"" in body and "mục tiêu 80%" in body
    assert "33,3%" in body  # 1 of 3, Vietnamese decimal comma


def test_presets_pick_the_year_dates(client, world, course):
    train(world.students[0], course, at(2026, 3, 1))
    client.force_login(world.school_admin)
    first_term = client.get(reverse("coverage_school"), {"preset": "first_term"}).context["dashboard"]
    end = client.get(reverse("coverage_school"), {"preset": "end_of_year"}).context["dashboard"]
    assert first_term.cutoff == world.year.first_term_ends_on and first_term.totals.trained == 0
    assert end.cutoff == world.year.ends_on and end.totals.trained == 1


@pytest.mark.parametrize("query", [{"as_of": "31-31-2025"}, {"preset": "weekly"}, {"year": "999999"}])
def test_bad_cutoff_is_a_400_in_vietnamese(client, world, query):
    client.force_login(world.school_admin)
    response = client.get(reverse("coverage_school"), query)
    assert response.status_code == 400
    assert "Yêu cầu chưa hợp lệ" in response.content.decode()


def test_record_session_through_the_form(client, world, course):
    client.force_login(world.teacher)
    lesson = course.lessons.first()
    response = client.post(reverse("coverage_session_create", args=[world.classroom.pk]), {
        "lesson": lesson.pk, "held_on": "2025-10-15", "attendees": [s.pk for s in world.students[:2]],
    })
    assert response.status_code == 302
    assert LessonCompletion.objects.filter(lesson=lesson, method="in_person").count() == 2


@pytest.mark.parametrize("data", [
    {"held_on": "2025-10-15"},
    {"lesson": "x", "held_on": "2025-10-15", "attendees": ["1"]},
    {"lesson": "LESSON", "held_on": "2099-01-01", "attendees": ["STUDENT"]},
    {"lesson": "LESSON", "held_on": "2025-10-15", "attendees": ["FOREIGN"]},
])
def test_bad_session_form_is_a_400_and_changes_nothing(client, world, course, data):
    lookup = {"LESSON": course.lessons.first().pk, "STUDENT": world.students[0].pk, "FOREIGN": world.foreign_student.pk}
    data = {k: [lookup.get(x, x) for x in v] if isinstance(v, list) else lookup.get(v, v) for k, v in data.items()}
    client.force_login(world.teacher)
    response = client.post(reverse("coverage_session_create", args=[world.classroom.pk]), data)
    assert response.status_code == 400
    assert not TrainingSession.objects.exists() and not LessonCompletion.objects.exists()


def test_student_records_a_person_guided_and_teacher_checks_it(client, world, course):
    student = world.students[0]
    train(student, course, at(2025, 10, 1))
    client.force_login(student)
    response = client.post(reverse("coverage_guided"), {
        "relationship": "grandparent", "procedure": "vneid", "guided_on": "2025-11-02", "fully_online": "on"})
    assert response.status_code == 302
    entry = GuidedPerson.objects.get()
    client.force_login(world.other_teacher)
    assert client.post(reverse("coverage_guided_check", args=[entry.pk])).status_code == 404
    client.force_login(world.teacher)
    assert client.post(reverse("coverage_guided_check", args=[entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.checked_by == world.teacher


def test_untrained_student_cannot_record_people_guided(client, world, course):
    client.force_login(world.students[0])
    response = client.post(reverse("coverage_guided"), {
        "relationship": "parent", "procedure": "vneid", "guided_on": "2025-11-02"})
    assert response.status_code == 400 and "hoàn thành khóa học" in response.content.decode()
    assert not GuidedPerson.objects.exists()


def test_province_admin_edits_targets(client, world):
    client.force_login(world.province_admin)
    response = client.post(reverse("coverage_targets"), {"share_percent": 90, "deadline": "2026-06-30",
                                                         "label": "Kế hoạch 12/KH-SGDĐT"})
    assert response.status_code == 302
    target = Target.objects.get(province=world.province)
    bad = client.post(reverse("coverage_target_edit", args=[target.pk]), {"share_percent": 150,
                                                                          "deadline": "2026-06-30", "label": "x"})
    assert bad.status_code == 400 and "từ 1 đến 100" in bad.content.decode()
    national = Target.objects.filter(province__isnull=True).first()
    assert client.get(reverse("coverage_target_edit", args=[national.pk])).status_code == 404
    client.force_login(world.foreign_province_admin)
    assert client.get(reverse("coverage_target_edit", args=[target.pk])).status_code == 404
    target.refresh_from_db()
    assert target.share_percent == 90


def test_rollover_preview_then_commit(client, world):
    next_year = make_year("2026-2027", current=False)
    client.force_login(world.school_admin)
    preview = client.get(reverse("coverage_rollover"), {"target_year": next_year.pk})
    assert preview.status_code == 200 and "11A1" in preview.content.decode()
    assert not Enrollment.objects.filter(school_year=next_year).exists()
    response = client.post(reverse("coverage_rollover"), {"target_year": next_year.pk})
    assert response.status_code == 302
    assert Enrollment.objects.filter(school_year=next_year).count() == 3


def test_province_dashboard_has_no_student_names(client, world, course):
    train(world.students[0], course, at(2025, 10, 1))
    client.force_login(world.province_admin)
    body = client.get(reverse("coverage_province")).content.decode()
    assert world.school.name in body
    assert all(s.full_name not in body for s in world.students)


def test_home_panels_render(client, world, course):
    train(world.students[0], course, at(2025, 10, 1))
    for user, name in [(world.students[0], "student_home"), (world.teacher, "teacher_home"),
                       (world.school_admin, "school_admin_home"), (world.province_admin, "province_admin_home")]:
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert "DVCTT" in response.content.decode() or "dịch vụ công" in response.content.decode()
    client.force_login(world.teacher)
    assert reverse("coverage_classroom", args=[world.classroom.pk]) in client.get(
        reverse("classroom_detail", args=[world.classroom.pk])).content.decode()


def _populate_schools(world, course, count: int):
    """``count`` schools in the world's province, each with two classes and progressing students."""
    year = SchoolYear.current()
    for n in range(count):
        school = make_school(world.province, f"Trường THPT Số {n}")
        for name in ("10A1", "11A1"):
            classroom = school_services.classroom_create(school=school, school_year=year, name=name)
            for i in range(2):
                student = make_student(classroom, f"Học Sinh {n} {name} {i}", consent=False)
                if i:
                    train(student, course, at(2025, 10, 1 + n))
                attempt(student, course.lessons.first(), at(2025, 10, 1), 70)
                GuidedPerson.objects.create(student=student, classroom=classroom, school_year=year,
                                            relationship="parent", procedure="vneid", guided_on=date(2025, 11, 1),
                                            fully_online=True)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("actor", "url_name"), [("province_admin", "coverage_province"),
                                                  ("school_admin", "coverage_school")])
def test_dashboard_queries_do_not_grow_with_schools_or_classes(client, world, course, actor, url_name,
                                                               django_assert_max_num_queries):
    client.force_login(getattr(world, actor))
    url = reverse(url_name)
    _populate_schools(world, course, 2)
    for extra in ("12A1", "12A2"):  # more classes in the admin's own school too
        school_services.classroom_create(school=world.school, school_year=world.year, name=extra)
    small = _count_queries(client, url)
    _populate_schools(world, course, 4)
    for extra in ("12A3", "12A4", "12A5", "12A6"):
        make_student(school_services.classroom_create(school=world.school, school_year=world.year, name=extra),
                     "Ngô Thị Thêm", consent=False)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200
