"""Coverage panels for the role home pages, and a small lookup filter for the lesson grid."""

from django import template
from django.db.models import Count
from django.utils import timezone

from coverage import forecast, selectors
from coverage.selectors import Scope
from schools.access import classrooms_taught
from schools.models import SchoolYear, User

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


def _today_in(year: SchoolYear):
    return min(timezone.localdate(), year.ends_on)


def _summary(scope_obj, province, year):
    """Coverage and the current target for one scope: a few queries, no rows."""
    scope = Scope.of(scope_obj, year)
    cutoff = _today_in(year)
    enrolled, trained = selectors.coverage_counts(scope, cutoff=cutoff)
    specs = selectors.target_specs(province)
    target = forecast.current_target(specs, cutoff)
    share = forecast.share_percent(trained, enrolled)
    return {"enrolled": enrolled, "trained": trained, "share": share, "target": target}


@register.inclusion_tag("coverage/panels/school.html", takes_context=True)
def coverage_school_panel(context):
    role = context["request"].role
    year = SchoolYear.current()
    return {"year": year, **(_summary(role.school, role.school.province, year) if year else {})}


@register.inclusion_tag("coverage/panels/province.html", takes_context=True)
def coverage_province_panel(context):
    role = context["request"].role
    year = SchoolYear.current()
    return {"year": year, **(_summary(role.province, role.province, year) if year else {})}


@register.inclusion_tag("coverage/panels/classroom.html", takes_context=True)
def coverage_classroom_panel(context):
    classroom = context["classroom"]
    return {"classroom": classroom, **_summary(classroom, classroom.school.province, classroom.school_year)}


@register.inclusion_tag("coverage/panels/teacher.html", takes_context=True)
def coverage_teacher_panel(context):
    request = context["request"]
    year = SchoolYear.current()
    if year is None:
        return {"rows": []}
    classrooms = list(
        classrooms_taught(request.user).filter(school=request.role.school, school_year=year).order_by("grade", "name")
    )
    cutoff = _today_in(year)
    counts = selectors.coverage_by_classroom(classrooms, cutoff=cutoff)
    target = forecast.current_target(selectors.target_specs(request.role.school.province), cutoff)
    rows = []
    for classroom in classrooms:
        enrolled, trained = counts.get(classroom.pk, (0, 0))
        rows.append((classroom, enrolled, trained, forecast.share_percent(trained, enrolled)))
    return {"rows": rows, "target": target}


@register.inclusion_tag("coverage/panels/student.html", takes_context=True)
def coverage_student_panel(context):
    user = context["request"].user
    # One query for both figures; each student has at most a few of either row.
    completions, guided = (
        User.objects.filter(pk=user.pk)
        .annotate(completions=Count("course_completions", distinct=True), guided=Count("people_guided", distinct=True))
        .values_list("completions", "guided")
        .get()
    )
    return {"trained": completions > 0, "guided_count": guided}
