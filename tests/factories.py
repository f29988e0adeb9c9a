"""Factories for tests: plain functions creating real rows through the services."""

import itertools
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import Permission

from schools import services
from schools.models import Classroom, Province, RoleAssignment, School, SchoolYear, User

_counter = itertools.count(1)
PASSWORD = "Matkhau-an-toan-2025"


def make_year(name: str = "2025-2026", current: bool = True) -> SchoolYear:
    start = int(name[:4])
    year, _ = SchoolYear.objects.get_or_create(
        name=name,
        defaults={
            "starts_on": date(start, 9, 5),
            "first_term_ends_on": date(start + 1, 1, 15),
            "ends_on": date(start + 1, 5, 31),
            "is_current": current,
        },
    )
    return year


def make_province(name: str | None = None) -> Province:
    n = next(_counter)
    name = name or f"Tỉnh Thử {n}"
    return Province.objects.create(name=name, code=f"t{n}", department_name=f"Sở Giáo dục và Đào tạo {name}")


def make_school(province: Province, name: str | None = None) -> School:
    n = next(_counter)
    return School.objects.create(
        province=province, name=name or f"Trường THPT Thử {n}", code=f"THPT{n}", place_name="Pleiku",
        principal_name="Trần Văn Hiệu",
    )


def make_user(username: str | None = None, full_name: str = "Lê Văn Giáo") -> User:
    user = User(username=username or f"user{next(_counter)}", full_name=full_name)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_role(user: User, role: str, *, school: School | None = None, province: Province | None = None):
    return RoleAssignment.objects.create(user=user, role=role, school=school, province=province)


def make_student(classroom: Classroom, full_name: str = "Nguyễn Thị Hằng", *, consent: bool = True) -> User:
    student, _password = services.student_create(classroom=classroom, full_name=full_name)
    student.set_password(PASSWORD)
    student.must_change_password = False
    student.save()
    if consent:
        services.consent_record(
            student=student, guardian_given=True, student_given=True, recorded_by=student, on=date(2025, 9, 10)
        )
    return student


@dataclass
class World:
    province: Province
    school: School
    other_school: School
    year: SchoolYear
    classroom: Classroom
    other_classroom: Classroom
    foreign_classroom: Classroom
    teacher: User
    other_teacher: User
    school_admin: User
    province_admin: User
    foreign_province_admin: User
    students: list[User] = field(default_factory=list)
    foreign_student: User | None = None
    editor: User | None = None  # content editor: the lessons.review_questions permission, no role


def make_world() -> World:
    year = make_year()
    province = make_province()
    school = make_school(province)
    other_school = make_school(province)
    classroom = services.classroom_create(school=school, school_year=year, name="10A1")
    other_classroom = services.classroom_create(school=school, school_year=year, name="11A2")
    foreign_classroom = services.classroom_create(school=other_school, school_year=year, name="10A1")
    teacher = make_user(full_name="Phạm Thị Lan")
    make_role(teacher, RoleAssignment.Role.TEACHER, school=school)
    services.teacher_assign(teacher=teacher, classroom=classroom, is_homeroom=True)
    other_teacher = make_user(full_name="Đỗ Văn Minh")
    make_role(other_teacher, RoleAssignment.Role.TEACHER, school=school)
    services.teacher_assign(teacher=other_teacher, classroom=other_classroom)
    school_admin = make_user(full_name="Vũ Văn Quản")
    make_role(school_admin, RoleAssignment.Role.SCHOOL_ADMIN, school=school)
    province_admin = make_user(full_name="Hoàng Thị Sở")
    make_role(province_admin, RoleAssignment.Role.PROVINCE_ADMIN, province=province)
    foreign_province_admin = make_user(full_name="Lý Văn Khác")
    make_role(foreign_province_admin, RoleAssignment.Role.PROVINCE_ADMIN, province=make_province())
    students = [
        make_student(classroom, name)
        for name in ["Nguyễn Thị Hằng", "Trần Văn An", "Lê Đức Bình"]
    ]
    foreign_student = make_student(foreign_classroom, "Bùi Thị Xa")
    editor = make_user(full_name="Ngô Thị Biên")
    editor.user_permissions.add(Permission.objects.get(codename="review_questions", content_type__app_label="lessons"))
    return World(
        province, school, other_school, year, classroom, other_classroom, foreign_classroom, teacher,
        other_teacher, school_admin, province_admin, foreign_province_admin, students, foreign_student, editor,
    )
