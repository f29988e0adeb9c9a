"""Importing a roster: check parsed rows against the database, then commit them all or nothing.

``roster_plan`` is a read: it matches each row to a class the importer may
fill and to the student already holding its key, and says what would change.
``roster_import`` recomputes the plan inside one transaction and applies it
with bulk writes (COPY on PostgreSQL; a 10,000-row roster is a few dozen queries, see
bench/bench_roster_import.py). A Mã định danh Bộ GD&ĐT follows the student:
a student known at another school moves here with their learning records.
Slip passwords of new students are returned once and only stored hashed.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
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


def _insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows without model instances: ``COPY`` on PostgreSQL, one ``executemany`` elsewhere.

    ``rows`` hold the values of ``columns`` (attribute names such as ``student_id``)
    as the database stores them; every other field gets its default, computed once
    (``auto_now_add`` included). Like ``bulk_create``, this sends no signals and
    runs no validation. For 10,000 students, building and compiling model
    instances took most of the import's time.
    """
    fields = {field.attname: field for field in model._meta.concrete_fields}
    template = model()
    others = [field for name, field in fields.items() if name not in columns and not field.primary_key]
    defaults = tuple(field.get_db_prep_save(field.pre_save(template, add=True), connection) for field in others)
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in [*(fields[name] for name in columns), *others])
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django wraps execute(), not copy(): a clash must still surface as django.db.IntegrityError.
            with connection.wrap_database_errors, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + defaults)
        else:
            placeholders = ", ".join(["%s"] * (len(columns) + len(others)))
            # Only quoted table and column names from the model's metadata are formatted in; values are parameters.
            sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, [row + defaults for row in rows])


def _user_ids(usernames: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in _chunks(usernames):
        ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
    return ids


def _create_students(rows: list[RosterRow], *, scope: RosterScope, classroom_of, imported_by: User, on: date) -> list[Slip]:
    """Create accounts, enrolments, student roles and consent records (never on without a value); return the slips."""
    if not rows:
        return []
    usernames = services.usernames_generate([row.full_name for row in rows])
    passwords = [services.slip_password_generate() for _row in rows]
    full_names = [normalize_name(row.full_name) for row in rows]
    sort_keys = [vietnamese_sort_key(name) for name in full_names]
    school_id = scope.school.pk
    _insert_rows(
        User,
        ("username", "password", "full_name", "name_sort", "student_key", "key_kind", "key_school_id",
         "birth_date", "sex", "must_change_password"),
        [
            (username, services.slip_password_hash(password), full_name, sort_key, row.key, row.key_kind,
             school_id if row.key_kind == User.KeyKind.SCHOOL else None, row.birth_date, row.sex, True)
            for row, username, password, full_name, sort_key
            in zip(rows, usernames, passwords, full_names, sort_keys, strict=True)
        ],
    )
    ids = _user_ids(usernames)
    student_ids = [ids[username] for username in usernames]
    _insert_rows(
        Enrollment,
        ("student_id", "classroom_id", "school_year_id"),
        [(pk, classroom_of(row).pk, scope.school_year.pk) for row, pk in zip(rows, student_ids, strict=True)],
    )
    _insert_rows(RoleAssignment, ("user_id", "role", "school_id"), [(pk, Role.STUDENT.value, school_id) for pk in student_ids])
    _insert_rows(
        Consent,
        ("student_id", "guardian_given", "guardian_recorded_on", "guardian_recorded_by_id",
         "student_given", "student_recorded_on", "student_recorded_by_id"),
        [
            (pk, bool(row.guardian_consent), on if row.guardian_consent else None,
             imported_by.pk if row.guardian_consent else None,
             bool(row.student_consent), on if row.student_consent else None,
             imported_by.pk if row.student_consent else None)
            for row, pk in zip(rows, student_ids, strict=True)
        ],
    )
    slips = [
        ((classroom_of(row).grade, classroom_of(row).name, sort_key, username),
         Slip(scope.school.name, classroom_of(row).name, full_name, username, password))
        for row, username, password, full_name, sort_key
        in zip(rows, usernames, passwords, full_names, sort_keys, strict=True)
    ]
    slips.sort(key=lambda item: item[0])
    return [slip for _order, slip in slips]


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
