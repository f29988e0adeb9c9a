"""The display-name rule: one function decides what every screen shows of a student.

- the student's own teachers and school admins: full name;
- the student, on their own pages: their own full name;
- province admins and anyone else on a private page: no name;
- projectors, live leaderboards, any shared screen: the contest nickname only;
- public pages (certificate verification, published prize lists): the masked
  form "N. T. Hằng" with the school when consent is recorded; without consent,
  no name at all ("một học sinh trường …").
"""

from datetime import date
from enum import Enum

from django.utils import timezone
from django.utils.translation import gettext as _

from schools.access import is_staff_of_student
from schools.models import Consent, User
from schools.names import mask_name


class Audience(Enum):
    PRIVATE = "private"
    SHARED_SCREEN = "shared_screen"
    PUBLIC = "public"


def has_consent(student: User, *, on: date | None = None) -> bool:
    try:
        consent = student.consent
    except Consent.DoesNotExist:
        return False
    return consent.is_complete(on or timezone.localdate())


def display_name(
    student: User,
    *,
    audience: Audience,
    viewer: User | None = None,
    nickname: str = "",
    school_name: str = "",
) -> str:
    """What ``viewer`` may see of ``student`` on a screen meant for ``audience``."""
    if audience is Audience.SHARED_SCREEN:
        return nickname or _("Người chơi")
    if audience is Audience.PUBLIC:
        if not student.is_deidentified and has_consent(student):
            masked = mask_name(student.full_name)
            return f"{masked} – {school_name}" if school_name else masked
        return _("một học sinh trường %(school)s") % {"school": school_name} if school_name else _("một học sinh")
    if viewer is not None and (viewer.pk == student.pk or is_staff_of_student(viewer, student)):
        return student.full_name
    return _("Học sinh")
