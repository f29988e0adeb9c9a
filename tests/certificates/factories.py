"""Test helpers: a trained student and a contest certificate, through the real services."""

from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue_award, certificate_issue_course
from lessons.models import Course, CourseCompletion


def course() -> Course:
    found, _created = Course.objects.get_or_create(
        key="dvctt", defaults={"title": "Kỹ năng sử dụng dịch vụ công trực tuyến"}
    )
    return found


def make_trained(student) -> Course:
    """Record the student as trained (CourseCompletion), as the lessons app does."""
    trained = course()
    CourseCompletion.objects.get_or_create(student=student, course=trained, defaults={"trained_at": timezone.now()})
    return trained


def issue_course(student, **kwargs) -> Certificate:
    return certificate_issue_course(student=student, course=make_trained(student), **kwargs)


def issue_award(student, school, *, kind=Certificate.Kind.AWARD_FIRST, source_key="online-contest:1:first"):
    return certificate_issue_award(
        student=student,
        school=school,
        kind=kind,
        achievement_lines=["Cuộc thi trực tuyến «Em yêu dịch vụ công» năm 2025"],
        issuer_line="Ban Tổ chức cuộc thi chứng nhận",
        signer_title="TRƯỞNG BAN TỔ CHỨC",
        signer_name="Trần Văn Hiệu",
        source_key=source_key,
    )
