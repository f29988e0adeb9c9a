import functools

import nh3
from django import template
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from online_contests import selectors
from online_contests.exports import duration_text
from online_contests.models import OnlineContest, Phase
from schools.models import RoleAssignment

register = template.Library()
Role = RoleAssignment.Role


@register.filter
def duration_vi(value) -> str:
    """A time used as "12 phút 05 giây"."""
    return duration_text(value)


@functools.lru_cache(maxsize=256)
def _cleaned(html: str) -> str:
    return nh3.clean(html)


@register.filter
def sanitised(html: str) -> str:
    """Rules HTML: sanitised when saved, and cleaned again here so only nh3 output is ever marked safe.

    The output depends on the text alone, so each process cleans a contest's rules once.
    """
    return mark_safe(_cleaned(html or ""))  # noqa: S308 - nh3 output


@register.inclusion_tag("online_contests/panel_student.html", takes_context=True)
def online_contests_student_panel(context):
    request = context["request"]
    return {"rows": selectors.student_contest_list(student=request.user, now=timezone.now()), "Phase": Phase}


@register.inclusion_tag("online_contests/panel_organiser.html", takes_context=True)
def online_contests_organiser_panel(context):
    """For a school or province admin: contests they organise, and (school admins) province contests of their school."""
    request = context["request"]
    role = request.role
    now = timezone.now()
    organised = selectors.contests_managed(user=request.user).filter(
        Q(school=role.school) if role.role == Role.SCHOOL_ADMIN else Q(province=role.province)
    ).order_by("-opens_at")[:5]
    included = []
    if role.role == Role.SCHOOL_ADMIN:
        included = (
            selectors.contests_with_school_administered(user=request.user)
            .filter(schools=role.school, province__isnull=False)
            .order_by("-opens_at")[:5]
        )
    return {
        "organised": [(c, c.phase(now)) for c in organised],
        "included": [(c, c.phase(now)) for c in included],
        "Status": OnlineContest.Status,
    }


@register.inclusion_tag("online_contests/panel_classroom.html", takes_context=True)
def online_contests_classroom_panel(context):
    """On a class page: how many of the class's students took part in each online contest open to it."""
    return {"rows": selectors.classroom_participation(classroom=context["classroom"], now=timezone.now())}
