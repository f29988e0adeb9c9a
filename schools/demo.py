"""Demo data for `make run`: one province, two schools, classes, staff and ~60 students.

Idempotent: running it again finds what exists and creates nothing twice.
"""

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.hashers import make_password

from schools import services
from schools.models import Classroom, Consent, Enrollment, Province, RoleAssignment, School, SchoolYear, User

DEMO_PASSWORD = "demo2025"  # noqa: S105 - printed by `make run` and written in the README; demo data only
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Gia", "Bảo", "Hoài", "Anh"]
GIVEN = [
    "An", "Anh", "Ánh", "Bình", "Châu", "Chi", "Dũng", "Duy", "Đạt", "Giang", "Hà", "Hải", "Hằng", "Hiếu", "Hoa",
    "Huy", "Khánh", "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "My", "Nam", "Ngân", "Nhi", "Phúc", "Phương",
    "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Trang", "Trí", "Tú", "Uyên", "Vy", "Yến",
]


@dataclass
class DemoWorld:
    province: Province
    schools: list[School]
    year: SchoolYear
    classrooms: list[Classroom]
    teacher: User
    school_admin: User
    province_admin: User
    students: list[User] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def _staff(username: str, full_name: str, password_hash: str) -> User:
    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "password": password_hash}
    )
    return user


def _role(user: User, role: str, *, school=None, province=None) -> None:
    RoleAssignment.objects.get_or_create(user=user, role=role, school=school, province=province)


def seed() -> DemoWorld:
    password_hash = make_password(DEMO_PASSWORD)
    year, _ = SchoolYear.objects.get_or_create(
        name="2025-2026",
        defaults={
            "starts_on": date(2025, 9, 5), "first_term_ends_on": date(2026, 1, 17),
            "ends_on": date(2026, 5, 31), "is_current": True,
        },
    )
    province, _ = Province.objects.get_or_create(
        code="gia-lai", defaults={"name": "Gia Lai", "department_name": "Sở Giáo dục và Đào tạo tỉnh Gia Lai"}
    )
    school, _ = School.objects.get_or_create(
        code="THPTPBC",
        defaults={"province": province, "name": "Trường THPT Phan Bội Châu", "place_name": "Pleiku",
                  "principal_name": "Nguyễn Văn Hùng", "principal_title": "HIỆU TRƯỞNG"},
    )
    other, _ = School.objects.get_or_create(
        code="THPTLL",
        defaults={"province": province, "name": "Trường THPT Lê Lợi", "place_name": "An Khê",
                  "principal_name": "Trần Thị Mai", "principal_title": "HIỆU TRƯỞNG"},
    )
    classrooms = []
    for owner, name in [(school, "10A1"), (school, "10A2"), (school, "11A1"), (other, "10A1")]:
        classroom = Classroom.objects.filter(school=owner, school_year=year, name=name).first()
        classrooms.append(classroom or services.classroom_create(school=owner, school_year=year, name=name))

    teacher = _staff("gv.lan", "Phạm Thị Lan", password_hash)
    _role(teacher, RoleAssignment.Role.TEACHER, school=school)
    services.teacher_assign(teacher=teacher, classroom=classrooms[0], is_homeroom=True)
    services.teacher_assign(teacher=teacher, classroom=classrooms[1])
    school_admin = _staff("ql.pbc", "Vũ Minh Quang", password_hash)
    _role(school_admin, RoleAssignment.Role.SCHOOL_ADMIN, school=school)
    _role(school_admin, RoleAssignment.Role.TEACHER, school=school)
    services.teacher_assign(teacher=school_admin, classroom=classrooms[2], is_homeroom=True)
    province_admin = _staff("so.gialai", "Hoàng Thu Hà", password_hash)
    _role(province_admin, RoleAssignment.Role.PROVINCE_ADMIN, province=province)
    world = DemoWorld(province, [school, other], year, classrooms, teacher, school_admin, province_admin)
    world.students = _seed_students(classrooms, password_hash)
    world.logins = [
        ("Học sinh", "hs.demo", DEMO_PASSWORD),
        ("Giáo viên", "gv.lan", DEMO_PASSWORD),
        ("Quản lý trường", "ql.pbc", DEMO_PASSWORD),
        ("Sở GD&ĐT", "so.gialai", DEMO_PASSWORD),
    ]
    return world


def _seed_students(classrooms: list[Classroom], password_hash: str) -> list[User]:
    """~60 students over the classes; the first is the demo login `hs.demo`; most have consent."""
    rng = random.Random(2025)  # deterministic names, so re-running finds the same students
    students = []
    per_class = [18, 16, 14, 12]
    index = 0
    for classroom, count in zip(classrooms, per_class, strict=True):
        for _ in range(count):
            index += 1
            username = "hs.demo" if index == 1 else f"hs{index:03d}"
            full_name = "Nguyễn Thị Ngọc Hằng" if index == 1 else (
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            )
            student, created = User.objects.get_or_create(
                username=username, defaults={"full_name": full_name, "password": password_hash,
                                             "student_key": f"{classroom.school.code}{index:04d}",
                                             "key_kind": User.KeyKind.SCHOOL, "key_school": classroom.school,
                                             "birth_date": date(2009 + (12 - classroom.grade) + 1, 1 + index % 12, 1 + index % 27),
                                             "sex": "F" if index % 2 else "M"}
            )
            if created:
                Enrollment.objects.create(student=student, classroom=classroom, school_year=classroom.school_year)
                RoleAssignment.objects.create(user=student, role=RoleAssignment.Role.STUDENT, school=classroom.school)
                given = index % 7 != 0  # about one in seven without consent yet
                Consent.objects.create(
                    student=student, guardian_given=given, student_given=given,
                    guardian_recorded_on=date(2025, 9, 12) if given else None,
                    student_recorded_on=date(2025, 9, 12) if given else None,
                )
            students.append(student)
    return students
