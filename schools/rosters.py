"""Importing a roster: check parsed rows against the database, then commit them all or nothing.

``roster_plan`` is a read: it matches each row to a class the importer may
fill and to the student already holding its key, and says what would change.
``roster_import`` recomputes the plan inside one transaction and applies it
with bulk writes (a 10,000-row roster is a few dozen queries, see
bench/bench_roster_import.py). A Mã định danh Bộ GD&ĐT follows the student:
a student known at another school moves here with their learning records.
Slip passwords of new students are returned once and only stored hashed.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from schools import services
from schools.models import (
    Classroom,
    Consent,
    Enrollment,
    RoleAssignment,
    School,
    SchoolYear,
    User,
    grade_from_class_name,
)
from schools.names import normalize_name, vietnamese_sort_key
from schools.roster_parsing import RosterRow, RowError
from schools.slips import Slip

Role = RoleAssignment.Role
LOOKUP_CHUNK = 500
CLASS_COLUMN = "Lớp"
KEY_COLUMNS = {User.KeyKind.MOET: "Mã định danh Bộ GD&ĐT", User.KeyKind.SCHOOL: "Mã học sinh"}


class RosterImportError(Exception):
    """The rows no longer fit the database (it changed since the preview); nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} row errors")
        self.errors = errors


@dataclass(frozen=True)
class RosterScope:
    """Where an importer may put students: a school's classes of the current year, or a teacher's share of them."""

    school: School
    school_year: SchoolYear
    classrooms: dict[str, Classroom]  # by name.casefold()
    may_create_classes: bool

    def classroom_for(self, name: str) -> Classroom | None:
        return self.classrooms.get(name.casefold())


@dataclass(frozen=True)
class StudentChange:
    """An existing student the import changes; empty ``old_*`` means that part stays."""

    row: RosterRow
    student: User
    enrollment: Enrollment | None  # this school year's, wherever it is
    old_name: str = ""
    old_class: str = ""
    moved_from: str = ""  # the other school's name, when the student moves here
    details_changed: bool = False  # birth date or sex
    consent_changed: bool = False

    @property
    def class_changed(self) -> bool:
        return self.enrollment is None or bool(self.old_class)


@dataclass
class RosterPlan:
    """What importing the rows would do."""

    errors: list[RowError] = field(default_factory=list)
    new_classes: list[str] = field(default_factory=list)
    creates: list[RosterRow] = field(default_factory=list)
    changes: list[StudentChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def moves(self) -> list[StudentChange]:
        return [change for change in self.changes if change.moved_from]

    @property
    def renames(self) -> list[StudentChange]:
        return [change for change in self.changes if change.old_name]

    @property
    def class_moves(self) -> list[StudentChange]:
        return [change for change in self.changes if change.old_class and not change.moved_from]


@dataclass
class RosterImportResult:
    """What an import did; ``slips`` carry the new students' one-time passwords."""

    slips: list[Slip]
    created: int
    updated: int
    moved: int
    unchanged: int
    consents_recorded: int
    classes_created: list[str]
    classrooms: list[Classroom]


def roster_scope(*, user: User, role: RoleAssignment) -> RosterScope:
    """A school admin fills (and may add) any class of their school; a teacher only the classes they teach."""
    school_year = SchoolYear.current()
    if school_year is None:
        raise ValidationError(_("Chưa có năm học hiện tại. Hãy nhờ quản trị hệ thống tạo năm học trước khi nhập."))
    classrooms = Classroom.objects.filter(school=role.school, school_year=school_year).select_related("school")
    if role.role != Role.SCHOOL_ADMIN:
        classrooms = classrooms.filter(teachers__teacher=user)
    return RosterScope(
        school=role.school,
        school_year=school_year,
        classrooms={classroom.name.casefold(): classroom for classroom in classrooms},
        may_create_classes=role.role == Role.SCHOOL_ADMIN,
    )


def _chunks(items: Sequence, size: int = LOOKUP_CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_students(rows: Sequence[RosterRow], school: School) -> dict[tuple[str, str], User]:
    """Students already holding the rows' keys, by (key kind, key)."""
    found: dict[tuple[str, str], User] = {}
    for kind in (User.KeyKind.MOET, User.KeyKind.SCHOOL):
        keys = [row.key for row in rows if row.key_kind == kind]
        for chunk in _chunks(keys):
            students = User.objects.filter(key_kind=kind, student_key__in=chunk).select_related("consent")
            if kind == User.KeyKind.SCHOOL:
                students = students.filter(key_school=school)
            found.update({(kind, student.student_key): student for student in students})
    return found


def _year_enrollments(student_ids: Sequence[int], school_year: SchoolYear) -> dict[int, Enrollment]:
    enrollments: dict[int, Enrollment] = {}
    for chunk in _chunks(student_ids):
        queryset = Enrollment.objects.filter(student_id__in=chunk, school_year=school_year).select_related(
            "classroom__school"
        )
        enrollments.update({enrollment.student_id: enrollment for enrollment in queryset})
    return enrollments


def _staff_ids(student_ids: Sequence[int]) -> set[int]:
    """Accounts among ``student_ids`` that are not only students (a key must never reach a teacher's account)."""
    staff: set[int] = set()
    for chunk in _chunks(student_ids):
        staff.update(
            User.objects.filter(pk__in=chunk)
            .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(roles__role__in=[Role.TEACHER, Role.SCHOOL_ADMIN, Role.PROVINCE_ADMIN]))
            .values_list("pk", flat=True)
        )
    return staff


def _consent_differs(row: RosterRow, student: User) -> bool:
    consent = getattr(student, "consent", None)
    guardian = consent.guardian_given if consent else False
    own = consent.student_given if consent else False
    return (row.guardian_consent is not None and row.guardian_consent != guardian) or (
        row.student_consent is not None and row.student_consent != own
    )


def roster_plan(*, rows: Sequence[RosterRow], scope: RosterScope) -> RosterPlan:
    """Match rows to classes and existing students; report what would change and what cannot be done."""
    plan = RosterPlan()
    new_classes: dict[str, str] = {}
    placed: list[RosterRow] = []
    for row in rows:
        if scope.classroom_for(row.class_name) is not None:
            placed.append(row)
        elif not scope.may_create_classes:
            plan.errors.append(
                RowError(
                    row.row_number,
                    CLASS_COLUMN,
                    _("Lớp “%(name)s” không có hoặc không phải lớp thầy/cô dạy trong năm học %(year)s.")
                    % {"name": row.class_name, "year": scope.school_year},
                )
            )
        elif grade_from_class_name(row.class_name) is None:
            plan.errors.append(
                RowError(
                    row.row_number,
                    CLASS_COLUMN,
                    _("Lớp “%(name)s” chưa có; tên lớp mới phải bắt đầu bằng khối 10, 11 hoặc 12 (ví dụ 10A1).")
                    % {"name": row.class_name},
                )
            )
        else:
            new_classes.setdefault(row.class_name.casefold(), row.class_name)
            placed.append(row)
    plan.new_classes = sorted(new_classes.values())

    existing = _existing_students(placed, scope.school)
    student_ids = [student.pk for student in existing.values()]
    enrollments = _year_enrollments(student_ids, scope.school_year)
    staff = _staff_ids(student_ids)
    own_classes = {classroom.pk for classroom in scope.classrooms.values()}
    for row in placed:
        student = existing.get((row.key_kind, row.key))
        if student is None:
            plan.creates.append(row)
            continue
        key_column = KEY_COLUMNS[row.key_kind]
        if student.pk in staff:
            plan.errors.append(
                RowError(row.row_number, key_column, _("Mã “%(key)s” thuộc một tài khoản không phải học sinh.") % {"key": row.key})
            )
            continue
        enrollment = enrollments.get(student.pk)
        elsewhere = enrollment is not None and enrollment.classroom.school_id != scope.school.pk
        if (
            enrollment is not None
            and not elsewhere
            and enrollment.classroom_id not in own_classes
            and enrollment.classroom.name.casefold() != row.class_name.casefold()
        ):
            # A teacher may not take a student out of a colleague's class; the school admin may.
            plan.errors.append(
                RowError(
                    row.row_number,
                    key_column,
                    _("Học sinh mã “%(key)s” đang học lớp %(old)s, không phải lớp thầy/cô dạy; hãy nhờ quản lý trường chuyển lớp.")
                    % {"key": row.key, "old": enrollment.classroom.name},
                )
            )
            continue
        change = StudentChange(
            row=row,
            student=student,
            enrollment=enrollment,
            old_name=student.full_name if normalize_name(row.full_name) != student.full_name else "",
            old_class=enrollment.classroom.name
            if enrollment is not None and (elsewhere or enrollment.classroom.name.casefold() != row.class_name.casefold())
            else "",
            moved_from=enrollment.classroom.school.name if elsewhere else "",
            details_changed=(row.birth_date is not None and row.birth_date != student.birth_date)
            or (row.sex != "" and row.sex != student.sex),
            consent_changed=_consent_differs(row, student),
        )
        if change.old_name or change.class_changed or change.details_changed or change.consent_changed:
            plan.changes.append(change)
        else:
            plan.unchanged += 1
    plan.errors.sort(key=lambda error: error.row_number)
    return plan


def _new_student(row: RosterRow, *, username: str, password_hash: str, school: School) -> User:
    """An unsaved student account (bulk_create skips ``User.save``, so the sort key is set here)."""
    full_name = normalize_name(row.full_name)
    return User(
        username=username,
        full_name=full_name,
        name_sort=vietnamese_sort_key(full_name),
        student_key=row.key,
        key_kind=row.key_kind,
        key_school=school if row.key_kind == User.KeyKind.SCHOOL else None,
        birth_date=row.birth_date,
        sex=row.sex,
        must_change_password=True,
        password=password_hash,
    )


def _new_consent(row: RosterRow, student: User, *, recorded_by: User, on: date) -> Consent:
    """Consent as the roster's optional columns give it; never on without a value."""
    return Consent(
        student=student,
        guardian_given=bool(row.guardian_consent),
        guardian_recorded_on=on if row.guardian_consent else None,
        guardian_recorded_by=recorded_by if row.guardian_consent else None,
        student_given=bool(row.student_consent),
        student_recorded_on=on if row.student_consent else None,
        student_recorded_by=recorded_by if row.student_consent else None,
    )


@transaction.atomic
def roster_import(
    *, rows: Sequence[RosterRow], scope: RosterScope, imported_by: User, on: date
) -> RosterImportResult:
    """Import checked rows in one transaction; raises ``RosterImportError`` (nothing written) if any row no longer fits."""
    plan = roster_plan(rows=rows, scope=scope)
    if plan.errors:
        raise RosterImportError(plan.errors)
    classrooms = dict(scope.classrooms)
    for name in plan.new_classes:
        classrooms[name.casefold()] = services.classroom_create(
            school=scope.school, school_year=scope.school_year, name=name
        )

    def classroom_of(row: RosterRow) -> Classroom:
        return classrooms[row.class_name.casefold()]

    slips = _create_students(plan.creates, scope=scope, classroom_of=classroom_of, imported_by=imported_by, on=on)
    _apply_changes(plan.changes, scope=scope, classroom_of=classroom_of)
    consents = sum(1 for row in plan.creates if row.guardian_consent or row.student_consent)
    consents += _record_consents(plan.changes, imported_by=imported_by, on=on)

    touched = {classroom_of(row).pk: classroom_of(row) for row in rows}
    return RosterImportResult(
        slips=slips,
        created=len(plan.creates),
        updated=len(plan.changes) - len(plan.moves),
        moved=len(plan.moves),
        unchanged=plan.unchanged,
        consents_recorded=consents,
        classes_created=plan.new_classes,
        classrooms=sorted(touched.values(), key=lambda classroom: (classroom.grade, classroom.name)),
    )


def _create_students(rows: list[RosterRow], *, scope: RosterScope, classroom_of, imported_by: User, on: date) -> list[Slip]:
    """Create accounts, enrolments, student roles and consent records in bulk; return the slips."""
    if not rows:
        return []
    usernames = services.usernames_generate([row.full_name for row in rows])
    passwords = [services.slip_password_generate() for _row in rows]
    students = [
        _new_student(row, username=username, password_hash=services.slip_password_hash(password), school=scope.school)
        for row, username, password in zip(rows, usernames, passwords, strict=True)
    ]
    User.objects.bulk_create(students, batch_size=1000)
    Enrollment.objects.bulk_create(
        [
            Enrollment(student=student, classroom=classroom_of(row), school_year=scope.school_year)
            for row, student in zip(rows, students, strict=True)
        ],
        batch_size=1000,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=student, role=Role.STUDENT, school=scope.school) for student in students], batch_size=1000
    )
    Consent.objects.bulk_create(
        [_new_consent(row, student, recorded_by=imported_by, on=on) for row, student in zip(rows, students, strict=True)],
        batch_size=1000,
    )
    slips = [
        (classroom_of(row), student, Slip(scope.school.name, classroom_of(row).name, student.full_name, student.username, password))
        for row, student, password in zip(rows, students, passwords, strict=True)
    ]
    slips.sort(key=lambda item: (item[0].grade, item[0].name, item[1].name_sort, item[1].username))
    return [slip for _classroom, _student, slip in slips]


def _apply_changes(changes: list[StudentChange], *, scope: RosterScope, classroom_of) -> None:
    """Update names, details and classes of existing students; move arrivals from other schools here."""
    students = []
    for change in changes:
        student, row = change.student, change.row
        if change.old_name:
            student.full_name = normalize_name(row.full_name)
            student.name_sort = vietnamese_sort_key(student.full_name)
        if row.birth_date is not None:
            student.birth_date = row.birth_date
        if row.sex:
            student.sex = row.sex
        students.append(student)
    User.objects.bulk_update(students, ["full_name", "name_sort", "birth_date", "sex"], batch_size=1000)

    moved = [change for change in changes if change.enrollment is not None and change.class_changed]
    for change in moved:
        change.enrollment.classroom = classroom_of(change.row)
    Enrollment.objects.bulk_update([change.enrollment for change in moved], ["classroom"], batch_size=1000)
    Enrollment.objects.bulk_create(
        [
            Enrollment(student=change.student, classroom=classroom_of(change.row), school_year=scope.school_year)
            for change in changes
            if change.enrollment is None
        ],
        batch_size=1000,
    )

    arrivals = [change.student.pk for change in changes if change.moved_from or change.enrollment is None]
    for chunk in _chunks(arrivals):
        # The student belongs to this school now: their student role follows them.
        RoleAssignment.objects.filter(user_id__in=chunk, role=Role.STUDENT).exclude(school=scope.school).delete()
        having = set(
            RoleAssignment.objects.filter(user_id__in=chunk, role=Role.STUDENT, school=scope.school).values_list(
                "user_id", flat=True
            )
        )
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user_id=pk, role=Role.STUDENT, school=scope.school) for pk in chunk if pk not in having]
        )


def _record_consents(changes: list[StudentChange], *, imported_by: User, on: date) -> int:
    """Consent values given in the roster for existing students, recorded with the importer as recorder."""
    entries = []
    for change in changes:
        if not change.consent_changed:
            continue
        consent = getattr(change.student, "consent", None)
        guardian = change.row.guardian_consent
        own = change.row.student_consent
        entries.append(
            (
                change.student,
                guardian if guardian is not None else bool(consent and consent.guardian_given),
                own if own is not None else bool(consent and consent.student_given),
            )
        )
    return services.consents_record(entries=entries, recorded_by=imported_by, on=on)


@transaction.atomic
def slips_reissue(*, classroom: Classroom, students: Sequence[User]) -> list[Slip]:
    """New slip passwords for the chosen students of a class (the old ones stop working)."""
    return [
        Slip(classroom.school.name, classroom.name, student.full_name, student.username,
             services.student_reset_password(student=student))
        for student in students
    ]
