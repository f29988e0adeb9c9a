"""The gain section on the class, school and province dashboards."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools import services as school_services
from tests.evidence.factories import pair
from tests.factories import make_school, make_student


def get(client, user, name, *args):
    client.force_login(user)
    response = client.get(reverse(name, args=args) + "?as_of=2025-12-31")
    assert response.status_code == 200
    return response.content.decode()


def test_teacher_sees_gain_of_their_class(client, full_class):
    body = get(client, full_class.teacher, "coverage_classroom", full_class.classroom.pk)
    assert "Trước và sau khóa học" in body
    assert "12 học sinh có cả bài kiểm tra đầu vào và cuối khóa" in body
    assert "20,0%" in body and "80,0%" in body and "100,0%" in body
    assert "Học sinh hài lòng với bài học" in body


def test_small_class_shows_not_enough_data_with_its_denominator(client, full_class):
    body = get(client, full_class.other_teacher, "coverage_classroom", full_class.other_classroom.pk)
    assert "1 học sinh có cả bài kiểm tra" in body and "Chưa đủ dữ liệu" in body
    assert "80,0%" not in body


def test_school_dashboard_rows_per_class(client, full_class):
    body = get(client, full_class.school_admin, "coverage_school")
    section = body[body.index('id="gain"'):]
    assert "13 học sinh có cả bài kiểm tra" in section
    assert "chưa đủ dữ liệu" in section  # 11A2 has one pair
    assert "20% → 100%" not in section and "0% → 100%" in section


def test_province_dashboard_shows_schools_without_names(client, full_class):
    body = get(client, full_class.province_admin, "coverage_province")
    section = body[body.index('id="gain"'):]
    assert full_class.school.name in section and "Học Sinh Thêm" not in body


def test_province_gain_query_count_is_independent_of_size(client, full_class):
    client.force_login(full_class.province_admin)
    url = reverse("coverage_province") + "?as_of=2025-12-31"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(3):
        school = make_school(full_class.province)
        classroom = school_services.classroom_create(school=school, school_year=full_class.year, name=f"10B{n}")
        for i in range(3):
            pair(make_student(classroom, f"Học Sinh Mới {n} {i}", consent=False))
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
