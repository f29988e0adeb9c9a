"""Panels of live contests on the role home pages and the class page."""

from django import template
from django.db.models import Count, Q

from contests import selectors
from contests.models import Contest
from schools.access import classrooms_taught

register = template.Library()

RECENT = 5


@register.inclusion_tag("contests/panel_teacher.html", takes_context=True)
def contests_teacher_panel(context):
    user = context["request"].user
    return {"contests": selectors.teacher_contests(user)[:RECENT]}


@register.inclusion_tag("contests/panel_student.html", takes_context=True)
def contests_student_panel(context):
    user = context["request"].user
    return {"entries": selectors.student_contest_history(user)[:3]}


@register.inclusion_tag("contests/actions_classroom.html", takes_context=True)
def contests_classroom_actions(context):
    user = context["request"].user
    classroom = context["classroom"]
    return {"classroom": classroom, "teaches": classrooms_taught(user).filter(pk=classroom.pk).exists()}


@register.inclusion_tag("contests/panel_classroom.html", takes_context=True)
def contests_classroom_panel(context):
    user = context["request"].user
    classroom = context["classroom"]
    contests = (
        Contest.objects.filter(classrooms=classroom, owner=user)
        .annotate(player_count=Count("players", filter=Q(players__kicked=False)))
        .order_by("-created_at")[:RECENT]
    )
    return {"contests": contests}


@register.inclusion_tag("contests/panel_school.html", takes_context=True)
def contests_school_panel(context):
    role = context["request"].role
    contests = Contest.objects.filter(school=role.school)
    return {
        "contest_count": contests.count(),
        "player_count": contests.aggregate(n=Count("players", filter=Q(players__kicked=False)))["n"],
    }
