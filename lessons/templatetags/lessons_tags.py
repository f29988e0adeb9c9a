"""Panels the lessons app adds to the role home pages and the class page."""

from django import template

from lessons import selectors
from schools.access import provinces_administered, schools_administered, students_managed
from schools.models import User

register = template.Library()


@register.inclusion_tag("lessons/panel_student.html", takes_context=True)
def lessons_student_panel(context):
    return {"progress": selectors.course_progress(student=context["request"].user)}


@register.inclusion_tag("lessons/panel_teacher.html", takes_context=True)
def lessons_teacher_panel(context):
    students = students_managed(context["request"].user)
    return {"overall": selectors.lesson_satisfaction(students=students), "course": selectors.course_default()}


@register.inclusion_tag("lessons/panel_school_admin.html", takes_context=True)
def lessons_school_admin_panel(context):
    students = User.objects.filter(enrollments__classroom__school__in=schools_administered(context["request"].user))
    return {"overall": selectors.lesson_satisfaction(students=students)}


@register.inclusion_tag("lessons/panel_province.html", takes_context=True)
def lessons_province_panel(context):
    provinces = provinces_administered(context["request"].user)
    students = User.objects.filter(enrollments__classroom__school__province__in=provinces)
    return {"overall": selectors.lesson_satisfaction(students=students)}


@register.inclusion_tag("lessons/panel_classroom.html", takes_context=True)
def lessons_classroom_panel(context):
    classroom = context["classroom"]
    return {"classroom": classroom, "grid": selectors.classroom_completion_grid(classroom=classroom)}


@register.inclusion_tag("lessons/actions_classroom.html", takes_context=True)
def lessons_classroom_actions(context):
    return {"classroom": context["classroom"]}
