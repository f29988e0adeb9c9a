"""Who may open which certificate page. Builders issue the certificates they point at."""

from django.urls import reverse

from tests.certificates.factories import issue_award
from tests.schools.permission_rows import url


def _certificate_of(attribute: str, school_attribute: str):
    def build_certificate(world):
        student = world.students[0] if attribute == "student" else getattr(world, attribute)
        return issue_award(student, getattr(world, school_attribute))

    return build_certificate


def pdf_of(attribute: str, school_attribute: str = "school"):
    certificate_of = _certificate_of(attribute, school_attribute)

    def build(world):
        return reverse("certificate_pdf", args=[certificate_of(world).pk])

    build.label = f"certificate_pdf-{attribute}"
    return build


def revoke_of(attribute: str, school_attribute: str = "school"):
    certificate_of = _certificate_of(attribute, school_attribute)

    def build(world):
        return reverse("certificate_revoke", args=[certificate_of(world).pk])

    build.label = f"certificate_revoke-{attribute}"
    return build


def class_pdf(attribute: str):
    """The class PDF, with a certificate issued to the class's first student so there is something to print."""

    def build(world):
        issue_award(world.students[0], world.school)
        return reverse("certificate_class_pdf", args=[getattr(world, attribute).pk])

    build.label = f"certificate_class_pdf-{attribute}"
    return build


def verify_of_student(world):
    return reverse("certificate_verify_code", args=[issue_award(world.students[0], world.school).code])


verify_of_student.label = "certificate_verify_code"

VERIFY = url("certificate_verify")
OWN_LIST = url("certificate_own_list")
SCHOOL_LIST = url("certificate_school_list")
ISSUE_CLASS = url("certificate_issue_class")
OWN_PDF = pdf_of("student")
FOREIGN_PDF = pdf_of("foreign_student", "other_school")
REVOKE = revoke_of("student")
FOREIGN_REVOKE = revoke_of("foreign_student", "other_school")
CLASS_PDF = class_pdf("classroom")
FOREIGN_CLASS_PDF = class_pdf("foreign_classroom")

ROWS = [
    ("anonymous", "GET", VERIFY, 200),
    ("anonymous", "GET", verify_of_student, 200),
    ("anonymous", "GET", OWN_LIST, "login"),
    ("anonymous", "GET", OWN_PDF, "login"),
    ("anonymous", "GET", SCHOOL_LIST, "login"),
    ("anonymous", "POST", REVOKE, "login"),
    ("anonymous", "POST", ISSUE_CLASS, "login"),
    ("anonymous", "GET", CLASS_PDF, "login"),
    ("student", "GET", VERIFY, 200),
    ("student", "GET", OWN_LIST, 200),
    ("student", "GET", OWN_PDF, 200),
    ("student", "GET", FOREIGN_PDF, 404),
    ("student", "GET", SCHOOL_LIST, 403),
    ("student", "POST", REVOKE, 403),
    ("student", "POST", ISSUE_CLASS, 403),
    ("student", "GET", CLASS_PDF, 403),
    ("teacher", "GET", OWN_LIST, 403),
    ("teacher", "GET", OWN_PDF, 200),
    ("teacher", "GET", FOREIGN_PDF, 404),
    ("teacher", "GET", SCHOOL_LIST, 403),
    ("teacher", "POST", REVOKE, 403),
    ("teacher", "POST", ISSUE_CLASS, 403),
    ("teacher", "GET", CLASS_PDF, 403),
    ("other_teacher", "GET", OWN_PDF, 404),
    ("school_admin", "GET", OWN_PDF, 200),
    ("school_admin", "GET", FOREIGN_PDF, 404),
    ("school_admin", "GET", SCHOOL_LIST, 200),
    ("school_admin", "GET", CLASS_PDF, 200),
    ("school_admin", "GET", FOREIGN_CLASS_PDF, 404),
    ("school_admin", "POST", REVOKE, 400),
    ("school_admin", "POST", FOREIGN_REVOKE, 404),
    ("school_admin", "POST", ISSUE_CLASS, 400),
    ("school_admin", "GET", REVOKE, 405),
    ("school_admin", "GET", OWN_LIST, 403),
    ("province_admin", "GET", OWN_PDF, 404),
    ("province_admin", "GET", SCHOOL_LIST, 403),
    ("province_admin", "GET", CLASS_PDF, 403),
    ("foreign_province_admin", "GET", OWN_PDF, 404),
    ("foreign_province_admin", "POST", REVOKE, 403),
]
