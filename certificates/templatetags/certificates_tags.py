from django import template

from certificates import selectors
from schools.models import RoleAssignment
from schools.roles import user_roles

Role = RoleAssignment.Role

register = template.Library()


@register.inclusion_tag("certificates/panel_student.html", takes_context=True)
def certificates_student_panel(context):
    user = context["request"].user
    return {"certificates": list(selectors.certificates_of_student(user).filter(revoked_at__isnull=True)[:3])}


@register.inclusion_tag("certificates/panel_school_admin.html", takes_context=True)
def certificates_school_admin_panel(context):
    school = context["school"]
    return {"counts": selectors.school_certificate_counts(school)}


@register.inclusion_tag("certificates/classroom_actions.html", takes_context=True)
def certificates_classroom_actions(context):
    """A link to the class's certificates, for the admins of the class's school."""
    classroom = context["classroom"]
    # The request's role list (already read for the header) says whether the viewer administers the school.
    roles = user_roles(context["request"])
    return {
        "classroom": classroom,
        "show": any(r.role == Role.SCHOOL_ADMIN and r.school_id == classroom.school_id for r in roles),
    }
