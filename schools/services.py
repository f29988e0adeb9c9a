"""Writes on people and places. Each function validates and runs in one transaction."""

import secrets
import unicodedata
from datetime import date

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schools.models import (
    Classroom,
    Consent,
    Enrollment,
    RoleAssignment,
    School,
    SchoolYear,
    TeachingAssignment,
    User,
    grade_from_class_name,
)
from schools.names import normalize_name

SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: slips are typed by hand
SLIP_LENGTH = 11  # 31^11 ≈ 2^54


def slip_password_generate() -> str:
    return "".join(secrets.choice(SLIP_ALPHABET) for _ in range(SLIP_LENGTH))


def slip_password_hash(password: str) -> str:
    """Hash a slip password with the fast slip hasher (see schools.hashers)."""
    return make_password(password, hasher="slip_md5")


def _ascii_fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if c.isascii() and c.isalnum()).lower()


def username_base(full_name: str) -> str:
    """'Nguyễn Thị Hằng' → 'hangnt': given name, then the initials of the others."""
    words = normalize_name(full_name).split(" ")
    given = _ascii_fold(words[-1]) or "hs"
    initials = "".join(_ascii_fold(w)[:1] for w in words[:-1])
    return (given + initials)[:20]


def username_generate(full_name: str, taken: set[str] | None = None) -> str:
    """A short unused username a student can type on a phone, e.g. 'hangnt4821'."""
    base = username_base(full_name)
    taken = taken if taken is not None else set()
    for _attempt in range(50):
        candidate = f"{base}{secrets.randbelow(9000) + 1000}"
        if candidate not in taken and not User.objects.filter(username=candidate).exists():
            taken.add(candidate)
            return candidate
    raise RuntimeError("could not find a free username")


@transaction.atomic
def teacher_create(*, school: School, full_name: str, username: str, password: str) -> User:
    """Create a teacher account at ``school`` (they may change the password later)."""
    full_name = normalize_name(full_name)
    if not full_name:
        raise ValidationError(_("Hãy nhập họ và tên."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("Tên đăng nhập «%(u)s» đã có người dùng.") % {"u": username})
    teacher = User(username=username, full_name=full_name)
    teacher.set_password(password)
    teacher.full_clean(exclude=["password"])
    teacher.save()
    RoleAssignment.objects.create(user=teacher, role=RoleAssignment.Role.TEACHER, school=school)
    return teacher


@transaction.atomic
def classroom_create(*, school: School, school_year: SchoolYear, name: str) -> Classroom:
    name = normalize_name(name)
    grade = grade_from_class_name(name)
    if grade is None:
        raise ValidationError(_("Tên lớp phải bắt đầu bằng khối 10, 11 hoặc 12 (ví dụ 10A1)."))
    if Classroom.objects.filter(school=school, school_year=school_year, name__iexact=name).exists():
        raise ValidationError(_("Lớp %(name)s đã có trong năm học %(year)s.") % {"name": name, "year": school_year})
    classroom = Classroom(school=school, school_year=school_year, name=name, grade=grade)
    classroom.full_clean()
    classroom.save()
    return classroom


@transaction.atomic
def teacher_assign(*, teacher: User, classroom: Classroom, is_homeroom: bool = False) -> TeachingAssignment:
    if not teacher.roles.filter(role=RoleAssignment.Role.TEACHER, school=classroom.school).exists():
        raise ValidationError(_("Giáo viên này không thuộc trường của lớp."))
    if is_homeroom:
        TeachingAssignment.objects.filter(classroom=classroom, is_homeroom=True).exclude(teacher=teacher).update(
            is_homeroom=False
        )
    assignment, _created = TeachingAssignment.objects.update_or_create(
        teacher=teacher, classroom=classroom, defaults={"is_homeroom": is_homeroom}
    )
    return assignment


@transaction.atomic
def student_create(
    *,
    classroom: Classroom,
    full_name: str,
    student_key: str = "",
    key_kind: str = User.KeyKind.SCHOOL,
    birth_date: date | None = None,
    sex: str = "",
) -> tuple[User, str]:
    """Create a student enrolled in ``classroom``; returns the account and its one-time slip password."""
    full_name = normalize_name(full_name)
    if not full_name:
        raise ValidationError(_("Hãy nhập họ và tên học sinh."))
    password = slip_password_generate()
    student = User(
        username=username_generate(full_name),
        full_name=full_name,
        student_key=student_key or None,
        key_kind=key_kind if student_key else "",
        key_school=classroom.school if student_key and key_kind == User.KeyKind.SCHOOL else None,
        birth_date=birth_date,
        sex=sex,
        must_change_password=True,
        password=slip_password_hash(password),
    )
    student.save()
    Enrollment.objects.create(student=student, classroom=classroom, school_year=classroom.school_year)
    RoleAssignment.objects.get_or_create(user=student, role=RoleAssignment.Role.STUDENT, school=classroom.school)
    Consent.objects.create(student=student)
    return student, password


@transaction.atomic
def student_reset_password(*, student: User) -> str:
    """Give a student a new slip password (they have no email or phone to reset it themselves)."""
    password = slip_password_generate()
    student.password = slip_password_hash(password)
    student.must_change_password = True
    student.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def consent_record(
    *, student: User, guardian_given: bool, student_given: bool, recorded_by: User, on: date
) -> Consent:
    """Record (or withdraw) consent; each side keeps who recorded it and when."""
    consent, _created = Consent.objects.select_for_update().get_or_create(student=student)
    if consent.guardian_given != guardian_given:
        consent.guardian_given = guardian_given
        consent.guardian_recorded_on = on
        consent.guardian_recorded_by = recorded_by
    if consent.student_given != student_given:
        consent.student_given = student_given
        consent.student_recorded_on = on
        consent.student_recorded_by = recorded_by
    consent.full_clean()
    consent.save()
    student.consent = consent  # keep the caller's instance in step with the row
    return consent
