"""Certificate pages that show student names. Builders issue certificates after the names are set."""

from django.urls import reverse

from tests.certificates.factories import issue_award
from tests.certificates.permission_rows import OWN_LIST, SCHOOL_LIST


def _issue_all(world) -> None:
    for student in world.students:
        issue_award(student, world.school)


def school_list(world):
    _issue_all(world)
    return SCHOOL_LIST(world)


school_list.label = "certificate_school_list-issued"


def own_list(world):
    _issue_all(world)
    return OWN_LIST(world)


own_list.label = "certificate_own_list-issued"


def verify_page(world):
    """The public page shows the masked name: a one-word name is shown whole, so it must be escaped."""
    return reverse("certificate_verify_code", args=[issue_award(world.students[0], world.school).code])


verify_page.label = "certificate_verify_code-issued"

PAGES = [
    ("school_admin", school_list),
    ("student", own_list),
    ("school_admin", verify_page),
]
