"""Coverage writes: in-person sessions, people guided, targets, year rollover, export audit.

Each function validates its input and runs in one transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.services import certificate_issue_on_training
from coverage import rollover
from coverage.models import ExportLog, GuidedPerson, Target, TrainingSession
from lessons import services as lessons_services
from lessons import training
from lessons.models import CourseCompletion, Lesson, LessonCompletion
from schools.models import Classroom, Enrollment, Province, School, SchoolYear, User


@transaction.atomic
def training_session_record(
    *, classroom: Classroom, lesson: Lesson, held_on: date, attendees: list[User], recorded_by: User
) -> TrainingSession:
    """Record an in-person lesson: each attendee gets the lesson completed in person (unless already done),
    and is marked trained when that completes the course (``lessons.services.lesson_complete`` decides)."""
    if held_on > timezone.localdate():
        raise ValidationError(_("Ngày dạy không được ở tương lai."))
    if held_on < classroom.school_year.starts_on or held_on > classroom.school_year.ends_on:
        raise ValidationError(_("Ngày dạy phải nằm trong năm học %(y)s.") % {"y": classroom.school_year})
    if not attendees:
        raise ValidationError(_("Hãy chọn ít nhất một học sinh có mặt."))
    enrolled = set(Enrollment.objects.filter(classroom=classroom).values_list("student_id", flat=True))
    if any(a.pk not in enrolled for a in attendees):
        raise ValidationError(_("Chỉ ghi nhận được học sinh của lớp %(c)s.") % {"c": classroom.name})
    session = TrainingSession.objects.create(
        classroom=classroom, lesson=lesson, held_on=held_on, recorded_by=recorded_by
    )
    session.attendees.set(attendees)
    completed_at = training.session_moment(held_on, timezone.get_current_timezone())
    for attendee in attendees:
        completion = lessons_services.lesson_complete(
            student=attendee, lesson=lesson, method=LessonCompletion.Method.IN_PERSON, recorded_by=recorded_by,
            completed_at=completed_at,
        )
        certificate_issue_on_training(completion=completion, issued_by=recorded_by)
    return session


def _enrollment_of(student: User, school_year: SchoolYear) -> Enrollment:
    enrollment = Enrollment.objects.select_related("classroom").filter(student=student, school_year=school_year).first()
    if enrollment is None:
        raise ValidationError(_("Em chưa có tên trong lớp nào của năm học này."))
    return enrollment


@transaction.atomic
def guided_person_create(
    *, student: User, school_year: SchoolYear, relationship: str, procedure: str, guided_on: date, fully_online: bool
) -> GuidedPerson:
    """A trained student records someone they helped; nothing about that person is stored but the relationship."""
    if not CourseCompletion.objects.filter(student=student).exists():
        raise ValidationError(_("Em hãy hoàn thành khóa học trước, rồi ghi lại người thân em đã hướng dẫn."))
    if guided_on > timezone.localdate():
        raise ValidationError(_("Ngày hướng dẫn không được ở tương lai."))
    enrollment = _enrollment_of(student, school_year)
    entry = GuidedPerson(
        student=student, classroom=enrollment.classroom, school_year=school_year, relationship=relationship,
        procedure=procedure, guided_on=guided_on, fully_online=fully_online,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def guided_person_check(*, entry: GuidedPerson, checked_by: User) -> GuidedPerson:
    """A teacher confirms an entry (idempotent: the first check is kept)."""
    entry = GuidedPerson.objects.select_for_update().get(pk=entry.pk)
    if entry.checked_by_id is None:
        entry.checked_by = checked_by
        entry.checked_at = timezone.now()
        entry.save(update_fields=["checked_by", "checked_at"])
    return entry


@transaction.atomic
def target_save(
    *, province: Province, share_percent: int, deadline: date, label: str, updated_by: User, target: Target | None = None
) -> Target:
    """Create or edit one of the province's own targets (national targets are not edited here)."""
    if target is not None and target.province_id != province.pk:
        raise ValidationError(_("Chỉ sửa được mục tiêu của tỉnh mình."))
    clash = Target.objects.filter(province=province, deadline=deadline)
    if target is not None:
        clash = clash.exclude(pk=target.pk)
    if clash.exists():
        raise ValidationError(_("Tỉnh đã có mục tiêu với thời hạn %(d)s.") % {"d": deadline.strftime("%d/%m/%Y")})
    target = target or Target(province=province)
    target.share_percent = share_percent
    target.deadline = deadline
    target.label = label
    target.updated_by = updated_by
    target.full_clean()
    target.save()
    return target


def rollover_plan(*, school: School, source: SchoolYear, target: SchoolYear) -> list[rollover.ClassPlan]:
    """What a rollover would do, without writing anything (two queries)."""
    classes = list(
        school.classrooms.filter(school_year=source)
        .annotate(n=Count("enrollments"))
        .order_by("grade", "name")
        .values_list("pk", "name", "grade", "n")
    )
    existing = set(school.classrooms.filter(school_year=target).values_list("name", flat=True))
    return rollover.plan(classes, existing)


def rollover_problems(*, school: School, source: SchoolYear, target: SchoolYear) -> list[str]:
    """Reasons the rollover cannot run; empty when it can."""
    if target.starts_on <= source.starts_on:
        return [_("Năm học mới phải bắt đầu sau năm học %(y)s.") % {"y": source}]
    already = Enrollment.objects.filter(
        school_year=target, student__enrollments__classroom__school=school, student__enrollments__school_year=source
    ).count()
    if already:
        return [_("%(n)s học sinh của trường đã có lớp trong năm học %(y)s.") % {"n": already, "y": target}]
    return []


@transaction.atomic
def school_year_rollover(*, school: School, source: SchoolYear, target: SchoolYear) -> list[rollover.ClassPlan]:
    """Promote every class of ``school`` from ``source`` into ``target``; grade 12 graduates.

    All or nothing: any problem raises before or during the writes and the
    transaction leaves the database as it was. Past enrollments are kept.
    """
    problems = rollover_problems(school=school, source=source, target=target)
    if problems:
        raise ValidationError(problems)
    plan = rollover_plan(school=school, source=source, target=target)
    targets = {c.name.casefold(): c for c in school.classrooms.filter(school_year=target)}
    for row in plan:
        if row.graduates:
            continue
        new_class = targets.get(row.target_name.casefold())
        if new_class is None:
            new_class = Classroom(school=school, school_year=target, name=row.target_name, grade=row.grade + 1)
            new_class.full_clean()
            new_class.save()
            targets[row.target_name.casefold()] = new_class
        Enrollment.objects.bulk_create([
            Enrollment(student_id=student_id, classroom=new_class, school_year=target)
            for student_id in Enrollment.objects.filter(classroom_id=row.source_id).values_list("student_id", flat=True)
        ])
    return plan


@transaction.atomic
def export_log_record(
    *, user: User, kind: str, file_format: str, scope: str, scope_id: int, scope_label: str,
    date_from: date | None, date_to: date,
) -> ExportLog:
    return ExportLog.objects.create(
        user=user, kind=kind, file_format=file_format, scope=scope, scope_id=scope_id, scope_label=scope_label,
        date_from=date_from, date_to=date_to,
    )
