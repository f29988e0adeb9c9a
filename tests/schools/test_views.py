"""School admin pages: creating classes, teachers and students, with bad input refused."""

import pytest
from django.urls import reverse

from schools.models import Classroom, RoleAssignment, TeachingAssignment, User


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.school_admin)
    return client


@pytest.mark.django_db
class TestSchoolAdmin:
    def test_creates_a_class_with_its_grade(self, admin_client, world):
        response = admin_client.post(reverse("classroom_create"), {"name": "12 Chuyên Tin"})
        assert response.status_code == 302
        classroom = Classroom.objects.get(school=world.school, name="12 Chuyên Tin")
        assert classroom.grade == 12 and classroom.school_year == world.year

    @pytest.mark.parametrize(
        ("name", "message"),
        [("9A1", "phải bắt đầu bằng khối 10, 11 hoặc 12"), ("10A1", "đã có trong năm học"), ("", "This field")],
    )
    def test_bad_class_names_are_refused_and_change_nothing(self, admin_client, world, name, message):
        before = Classroom.objects.count()
        response = admin_client.post(reverse("classroom_create"), {"name": name})
        assert response.status_code == 400
        assert Classroom.objects.count() == before
        if name:
            assert message in response.content.decode()

    def test_creates_a_teacher_and_assigns_them(self, admin_client, world):
        response = admin_client.post(
            reverse("teacher_create"), {"full_name": "Đinh  Thị Hương", "username": "gv.huong", "password": "Abc-12345xyz"}
        )
        assert response.status_code == 302
        teacher = User.objects.get(username="gv.huong")
        assert teacher.full_name == "Đinh Thị Hương"
        assert teacher.roles.filter(role=RoleAssignment.Role.TEACHER, school=world.school).exists()
        response = admin_client.post(
            reverse("teacher_assign"), {"teacher": teacher.pk, "classroom": world.other_classroom.pk, "is_homeroom": "on"}
        )
        assert response.status_code == 302
        assert TeachingAssignment.objects.get(teacher=teacher, classroom=world.other_classroom).is_homeroom

    def test_duplicate_username_is_refused(self, admin_client, world):
        response = admin_client.post(
            reverse("teacher_create"),
            {"full_name": "Ai Đó", "username": world.teacher.username, "password": "Abc-12345xyz"},
        )
        assert response.status_code == 400
        assert "đã có người dùng" in response.content.decode()

    def test_cannot_assign_a_class_of_another_school(self, admin_client, world):
        response = admin_client.post(
            reverse("teacher_assign"), {"teacher": world.teacher.pk, "classroom": world.foreign_classroom.pk}
        )
        assert response.status_code == 400
        assert not TeachingAssignment.objects.filter(classroom=world.foreign_classroom).exists()


@pytest.mark.django_db
class TestStudentCreate:
    def test_teacher_adds_a_student_and_sees_the_slip_once(self, client, world):
        client.force_login(world.teacher)
        response = client.post(reverse("student_create", args=[world.classroom.pk]), {"full_name": "Lò Văn Pá"})
        assert response.status_code == 200
        student = User.objects.get(full_name="Lò Văn Pá")
        assert student.must_change_password
        assert student.password.startswith("slip_md5$")
        assert student.username in response.content.decode()

    def test_a_cccd_like_code_is_refused(self, client, world):
        client.force_login(world.teacher)
        response = client.post(
            reverse("student_create", args=[world.classroom.pk]), {"full_name": "Lò Văn Pá", "student_key": "079209001234"}
        )
        assert response.status_code == 400
        assert "CCCD" in response.content.decode()
        assert not User.objects.filter(full_name="Lò Văn Pá").exists()

    def test_class_list_is_in_vietnamese_order(self, client, world):
        client.force_login(world.teacher)
        body = client.get(reverse("classroom_detail", args=[world.classroom.pk])).content.decode()
        positions = [body.index(name) for name in ["Trần Văn An", "Lê Đức Bình", "Nguyễn Thị Hằng"]]
        assert positions == sorted(positions)


@pytest.mark.django_db
def test_role_switch_changes_the_landing_page(client, world):
    both = world.school_admin
    teacher_role = RoleAssignment.objects.create(user=both, role=RoleAssignment.Role.TEACHER, school=world.school)
    client.force_login(both)
    assert client.get(reverse("home"))["Location"] == reverse("school_admin_home")
    response = client.post(reverse("role_switch"), {"role": teacher_role.pk})
    assert response["Location"] == reverse("teacher_home")
    assert client.get(reverse("home"))["Location"] == reverse("teacher_home")


@pytest.mark.django_db
def test_cannot_switch_to_someone_elses_role(client, world):
    client.force_login(world.teacher)
    other = world.school_admin.roles.first()
    assert client.post(reverse("role_switch"), {"role": other.pk}).status_code == 404
