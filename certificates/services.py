"""Issuing and revoking certificates. Each function validates and runs in one transaction.

Numbers come from a per-school, per-calendar-year counter row locked with
``select_for_update``; the unique constraint on (school, year, serial) keeps
them unique even if that lock were bypassed. Issuing is idempotent: one valid
certificate per student and achievement (``source_key``), enforced by a
conditional unique constraint; a revoked certificate may be replaced by a new one.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from certificates import pdf
from certificates.codes import code_generate
from certificates.documents import verify_url
from certificates.models import Certificate, CertificateCounter
from lessons.models import Course, CourseCompletion, Lesson
from lessons.services import LessonCompletionResult
from schools.models import Classroom, Enrollment, School, User
from schools.names import normalize_name
from schools.privacy import has_consent
from schools.selectors import classroom_students

Kind = Certificate.Kind

# What a certificate prints is an official Vietnamese document, whatever
# language the person issuing it reads the site in: these texts are not
# marked for translation.
COURSE_TITLE = "Giấy chứng nhận hoàn thành khóa học"
CONTEST_TITLES = {
    Kind.AWARD_FIRST: ("Giấy chứng nhận", "đạt giải Nhất"),
    Kind.AWARD_SECOND: ("Giấy chứng nhận", "đạt giải Nhì"),
    Kind.AWARD_THIRD: ("Giấy chứng nhận", "đạt giải Ba"),
    Kind.AWARD_CONSOLATION: ("Giấy chứng nhận", "đạt giải Khuyến khích"),
    Kind.PARTICIPATION: ("Giấy chứng nhận", "đã tham gia cuộc thi"),
}
MAX_ACHIEVEMENT_LINES = 4
MAX_LINE_LENGTH = 200
MIN_REASON_LENGTH = 5


def _short_date(moment) -> str:
    """A moment as its local day, '20/11/2025'."""
    day: date = timezone.localtime(moment).date()
    return formats.date_format(day, "d/m/Y")


def course_source_key(course: Course) -> str:
    return f"course:{course.key}"


def _valid_certificate(student: User, source_key: str) -> Certificate | None:
    return Certificate.objects.filter(student=student, source_key=source_key, revoked_at__isnull=True).first()


def _latest_enrollment(student: User, school: School | None = None) -> Enrollment | None:
    enrollments = Enrollment.objects.filter(student=student).select_related(
        "classroom__school__province", "school_year"
    )
    if school is not None:
        enrollments = enrollments.filter(classroom__school=school)
    return enrollments.order_by("-school_year__starts_on").first()


def _require_consent(student: User) -> None:
    if not has_consent(student):
        raise ValidationError(
            _(
                "Chưa thể cấp giấy chứng nhận cho %(name)s: chưa ghi nhận đồng ý xử lý dữ liệu cá nhân "
                "(của phụ huynh và học sinh). Hãy ghi nhận đồng ý trước."
            )
            % {"name": student.full_name}
        )


def _issue(
    *,
    student: User,
    enrollment: Enrollment,
    kind: str,
    source_key: str,
    title_lines: Sequence[str],
    certifier_line: str,
    achievement_lines: Sequence[str],
    signer_title: str,
    signer_name: str,
    issued_by: User | None,
) -> Certificate:
    """Allocate the next number under the counter lock and store the snapshot."""
    school = enrollment.classroom.school
    issued_on = timezone.localdate()
    counter, _created = CertificateCounter.objects.select_for_update().get_or_create(
        school=school, year=issued_on.year
    )
    # Whoever held the lock before us may have issued this very certificate.
    existing = _valid_certificate(student, source_key)
    if existing is not None:
        return existing
    counter.last_serial += 1
    counter.save(update_fields=["last_serial"])
    code = code_generate()
    url = verify_url(code)
    certificate = Certificate(
        school=school,
        student=student,
        kind=kind,
        source_key=source_key,
        year=issued_on.year,
        serial=counter.last_serial,
        code=code,
        number=f"{counter.last_serial}/GCN-{school.code}",
        title="\n".join(normalize_name(line) for line in title_lines),
        department_name=school.province.department_name,
        school_name=school.name,
        certifier_line=normalize_name(certifier_line),
        holder_name=student.full_name,
        class_name=enrollment.classroom.name,
        achievement="\n".join(normalize_name(line) for line in achievement_lines),
        school_year=enrollment.school_year.name,
        place_name=school.place_name,
        issued_on=issued_on,
        signer_title=signer_title.strip(),
        signer_name=normalize_name(signer_name),
        qr_url=url,
        qr_matrix=pdf.qr_pack(pdf.qr_matrix(url)),
        issued_by=issued_by,
    )
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    certificate.save()
    return certificate


def _course_achievement(course: Course, completion: CourseCompletion) -> list[str]:
    lessons = Lesson.objects.filter(course=course, required=True, is_active=True).count()
    trained_on = _short_date(completion.trained_at)
    done = f"gồm {lessons} bài học bắt buộc, hoàn thành ngày {trained_on}" if lessons else f"hoàn thành ngày {trained_on}"
    return [f"Đã hoàn thành khóa học «{course.title}»", done]


@transaction.atomic
def certificate_issue_course(*, student: User, course: Course, issued_by: User | None = None) -> Certificate:
    """Issue (or return the already issued) course certificate of a trained student.

    The school, class and school year are those of the student's latest enrollment.
    """
    source_key = course_source_key(course)
    existing = _valid_certificate(student, source_key)
    if existing is not None:
        return existing
    completion = CourseCompletion.objects.filter(student=student, course=course).first()
    if completion is None:
        raise ValidationError(
            _("%(name)s chưa hoàn thành khóa học «%(course)s».") % {"name": student.full_name, "course": course.title}
        )
    _require_consent(student)
    enrollment = _latest_enrollment(student)
    if enrollment is None:
        raise ValidationError(_("%(name)s chưa được xếp vào lớp nào.") % {"name": student.full_name})
    school = enrollment.classroom.school
    return _issue(
        student=student,
        enrollment=enrollment,
        kind=Kind.COURSE,
        source_key=source_key,
        title_lines=[COURSE_TITLE, course.title],
        certifier_line=f"{school.principal_title} {school.name} chứng nhận",
        achievement_lines=_course_achievement(course, completion),
        signer_title=school.principal_title,
        signer_name=school.principal_name,
        issued_by=issued_by,
    )



def certificate_issue_on_training(*, completion: LessonCompletionResult, issued_by: User | None = None) -> Certificate | None:
    """Issue the course certificate when a lesson completion has just made the student trained.

    Returns None when the completion did not finish the course, or when the
    certificate cannot be issued yet (no consent recorded, no class): the
    school admin's class-wide issue picks those students up later.
    """
    if not completion.just_trained:
        return None
    try:
        with transaction.atomic():
            return certificate_issue_course(
                student=completion.completion.student, course=completion.course_completion.course, issued_by=issued_by
            )
    except ValidationError:
        return None

def _clean_lines(lines: Sequence[str]) -> list[str]:
    if isinstance(lines, str):
        lines = lines.splitlines()
    cleaned = [normalize_name(line) for line in lines if normalize_name(line)]
    if not cleaned:
        raise ValidationError(_("Hãy ghi nội dung được chứng nhận (ví dụ tên cuộc thi)."))
    if len(cleaned) > MAX_ACHIEVEMENT_LINES or any(len(line) > MAX_LINE_LENGTH for line in cleaned):
        raise ValidationError(
            _("Nội dung chứng nhận tối đa %(lines)s dòng, mỗi dòng tối đa %(chars)s ký tự.")
            % {"lines": MAX_ACHIEVEMENT_LINES, "chars": MAX_LINE_LENGTH}
        )
    return cleaned


@transaction.atomic
def certificate_issue_award(
    *,
    student: User,
    school: School,
    kind: str,
    achievement_lines: Sequence[str],
    issuer_line: str,
    signer_title: str,
    signer_name: str,
    source_key: str,
    issued_by: User | None = None,
) -> Certificate:
    """Issue (or return the already issued) contest certificate: a prize or participation.

    ``issuer_line`` is who certifies ("BAN TỔ CHỨC CUỘC THI … CHỨNG NHẬN"),
    ``achievement_lines`` what (the contest, the year), ``source_key`` the
    achievement ("online-contest:12:first"), which makes issuing idempotent.
    """
    if kind not in CONTEST_TITLES:
        raise ValidationError(_("Loại giấy chứng nhận không hợp lệ: %(kind)s.") % {"kind": kind})
    source_key = source_key.strip()
    if not source_key or len(source_key) > Certificate._meta.get_field("source_key").max_length:
        raise ValidationError(_("Thiếu mã thành tích (source_key) hợp lệ."))
    existing = _valid_certificate(student, source_key)
    if existing is not None:
        return existing
    lines = _clean_lines(achievement_lines)
    if not normalize_name(issuer_line) or not signer_title.strip():
        raise ValidationError(_("Hãy ghi đơn vị chứng nhận và chức danh người ký."))
    _require_consent(student)
    enrollment = _latest_enrollment(student, school)
    if enrollment is None:
        raise ValidationError(_("%(name)s không phải học sinh của %(school)s.") % {"name": student.full_name, "school": school.name})
    return _issue(
        student=student,
        enrollment=enrollment,
        kind=kind,
        source_key=source_key,
        title_lines=CONTEST_TITLES[kind],
        certifier_line=issuer_line,
        achievement_lines=lines,
        signer_title=signer_title,
        signer_name=signer_name,
        issued_by=issued_by,
    )


@dataclass
class ClassIssueReport:
    """What a class-wide issue did, student by student."""

    issued: list[Certificate] = field(default_factory=list)
    already: list[Certificate] = field(default_factory=list)
    skipped: list[tuple[User, str]] = field(default_factory=list)


@transaction.atomic
def certificate_issue_class(*, classroom: Classroom, course: Course, issued_by: User | None) -> ClassIssueReport:
    """Issue the course certificate to every trained student of the class who has consent recorded."""
    students = list(classroom_students(classroom))
    source_key = course_source_key(course)
    trained = set(
        CourseCompletion.objects.filter(course=course, student__in=students).values_list("student_id", flat=True)
    )
    existing = {
        certificate.student_id: certificate
        for certificate in Certificate.objects.filter(
            student__in=students, source_key=source_key, revoked_at__isnull=True
        )
    }
    report = ClassIssueReport()
    today = timezone.localdate()
    for student in students:
        if student.pk in existing:
            report.already.append(existing[student.pk])
        elif student.pk not in trained:
            report.skipped.append((student, _("Chưa hoàn thành khóa học.")))
        elif not has_consent(student, on=today):
            report.skipped.append((student, _("Chưa ghi nhận đồng ý xử lý dữ liệu cá nhân.")))
        else:
            report.issued.append(certificate_issue_course(student=student, course=course, issued_by=issued_by))
    return report


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, revoked_by: User) -> Certificate:
    """Revoke a certificate for a stated reason; it then verifies as revoked."""
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(_("Hãy ghi lý do thu hồi (ít nhất %(n)s ký tự).") % {"n": MIN_REASON_LENGTH})
    max_length = Certificate._meta.get_field("revocation_reason").max_length
    if len(reason) > max_length:
        raise ValidationError(_("Lý do thu hồi tối đa %(n)s ký tự.") % {"n": max_length})
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError(
            _("Giấy chứng nhận số %(number)s đã bị thu hồi ngày %(day)s.")
            % {"number": locked.number, "day": _short_date(locked.revoked_at)}
        )
    locked.revoked_at = timezone.now()
    locked.revocation_reason = reason
    locked.revoked_by = revoked_by
    locked.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
    return locked
