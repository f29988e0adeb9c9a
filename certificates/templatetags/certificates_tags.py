from django import template

from certificates import selectors
from schools.access import schools_administered

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
    user = context["request"].user
    return {
        "classroom": classroom,
        "show": schools_administered(user).filter(pk=classroom.school_id).exists(),
    }
