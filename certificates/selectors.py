"""Reads on certificates, scoped to who may see them."""

import copy

from django.db.models import Count, Q, QuerySet

from certificates.models import Certificate
from schools.access import schools_administered, students_managed
from schools.models import Classroom, School, User
from schools.privacy import Audience, display_name


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    """The user's own certificates and those of students they teach or whose school they administer."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(
        Q(student=user) | Q(school__in=schools_administered(user)) | Q(student__in=students_managed(user))
    ).select_related("school")


def certificates_of_student(student: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(student=student).order_by("-issued_at", "-pk")


def school_certificates(school: School, *, classroom: Classroom | None = None) -> QuerySet[Certificate]:
    """A school's certificates, newest first; of one class's students when ``classroom`` is given."""
    certificates = Certificate.objects.filter(school=school)
    if classroom is not None:
        certificates = certificates.filter(student__enrollments__classroom=classroom)
    return certificates.select_related("student", "revoked_by").order_by("-issued_at", "-pk")


def class_certificates(classroom: Classroom) -> QuerySet[Certificate]:
    """Valid certificates the class's school issued to its students, in Vietnamese name order."""
    return (
        Certificate.objects.filter(
            school=classroom.school, student__enrollments__classroom=classroom, revoked_at__isnull=True
        )
        .select_related("school")
        .order_by("student__name_sort", "student_id", "issued_at")
    )


def school_certificate_counts(school: School) -> dict[str, int]:
    return Certificate.objects.filter(school=school).aggregate(
        valid=Count("pk", filter=Q(revoked_at__isnull=True)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
    )


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this normalised code; one query whether it exists or not."""
    return Certificate.objects.select_related("student__consent").filter(code=code).first()


def certificate_public_holder(certificate: Certificate) -> str:
    """The holder as a public page may show them: the display-name rule applied to the printed name."""
    as_printed = copy.copy(certificate.student)
    as_printed.full_name = certificate.holder_name
    return display_name(as_printed, audience=Audience.PUBLIC)
