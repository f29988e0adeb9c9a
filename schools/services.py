"""Writes on people and places. Each function validates and runs in one transaction."""

import secrets
import unicodedata
from datetime import date

from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
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
from schools.signals import student_deidentified

SLIP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: slips are typed by hand
SLIP_LENGTH = 11  # 31^11 ≈ 2^54


def slip_password_generate() -> str:
    """A random slip password: one uniform draw below 31^11 written in SLIP_ALPHABET's digits.

    Same distribution as eleven ``secrets.choice`` calls at a quarter of the cost (one call to the OS RNG, not 11).
    """
    number = secrets.randbelow(len(SLIP_ALPHABET) ** SLIP_LENGTH)
    letters = []
    for _position in range(SLIP_LENGTH):
        number, index = divmod(number, len(SLIP_ALPHABET))
        letters.append(SLIP_ALPHABET[index])
    return "".join(letters)


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


def usernames_generate(full_names: list[str]) -> list[str]:
    """Unused usernames for many students at once (as ``username_generate``), with a few queries per thousand."""
    usernames: list[str | None] = [None] * len(full_names)
    bases = [username_base(name) for name in full_names]
    taken: set[str] = set()
    for _round in range(50):
        pending = [index for index, username in enumerate(usernames) if username is None]
        if not pending:
            return usernames
        candidates: dict[int, str] = {}
        for index in pending:
            candidate = f"{bases[index]}{secrets.randbelow(9000) + 1000}"
            if candidate not in taken:
                taken.add(candidate)
                candidates[index] = candidate
        values = list(candidates.values())
        in_use = set()
        for start in range(0, len(values), 1000):
            in_use.update(User.objects.filter(username__in=values[start : start + 1000]).values_list("username", flat=True))
        for index, candidate in candidates.items():
            if candidate not in in_use:
                usernames[index] = candidate
    raise RuntimeError("could not find free usernames")


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


@transaction.atomic
def consents_record(*, entries: list[tuple[User, bool, bool]], recorded_by: User, on: date) -> int:
    """Record consent for several students at once (student, guardian_given, student_given); returns how many changed."""
    changed = 0
    for student, guardian_given, student_given in entries:
        consent = getattr(student, "consent", None)
        if consent is not None and (consent.guardian_given, consent.student_given) == (guardian_given, student_given):
            continue
        consent_record(
            student=student, guardian_given=guardian_given, student_given=student_given, recorded_by=recorded_by, on=on
        )
        changed += 1
    return changed


DEIDENTIFIED_NAME = "Học sinh đã ẩn danh #%(number)s"


@transaction.atomic
def student_deidentify(*, student: User, withdrawn_by: User, on: date) -> User:
    """Withdrawal of consent: remove what identifies the student, keep the anonymous rows that reports count.

    The name becomes "Học sinh đã ẩn danh #…", the codes, birth date and sex are
    cleared, the username is replaced and the password made unusable; consent is
    recorded as withdrawn. Enrollments and learning records stay, so coverage
    counts do not change. Admin log entries that quoted the old name are rewritten.
    Apps holding their own copy of the name clear it on ``student_deidentified``.
    """
    student = User.objects.select_for_update().get(pk=student.pk)
    if student.is_deidentified:
        raise ValidationError(_("Học sinh này đã được ẩn danh."))
    if student.is_staff or student.is_superuser or student.roles.exclude(role=RoleAssignment.Role.STUDENT).exists():
        raise ValidationError(_("Chỉ ẩn danh được tài khoản học sinh."))
    old_repr = str(student)
    number = secrets.token_hex(4)
    consent_record(student=student, guardian_given=False, student_given=False, recorded_by=withdrawn_by, on=on)
    student.full_name = DEIDENTIFIED_NAME % {"number": number}
    student.username = f"an-danh-{number}"
    while User.objects.filter(username=student.username).exists():
        student.username = f"an-danh-{secrets.token_hex(6)}"
    student.first_name = student.last_name = student.email = ""
    student.student_key = None
    student.key_kind = ""
    student.key_school = None
    student.birth_date = None
    student.sex = ""
    student.must_change_password = False
    student.is_deidentified = True
    student.set_unusable_password()
    student.save()
    LogEntry.objects.filter(object_repr__contains=old_repr).update(
        object_repr=Replace("object_repr", Value(old_repr), Value(student.full_name))
    )
    student_deidentified.send(sender=User, student=student)
    return student
