"""Aggregate reads on people and places, as database queries."""

from django.db.models import Count, Q, QuerySet

from quizsite.request_memo import per_request
from schools.models import Classroom, Enrollment, Province, RoleAssignment, School, SchoolYear, User


def classroom_list_with_counts(classrooms: QuerySet[Classroom]) -> QuerySet[Classroom]:
    return classrooms.select_related("school", "school_year").annotate(student_count=Count("enrollments"))


def classroom_students(classroom: Classroom) -> QuerySet[User]:
    """The class's students in Vietnamese name order, with their consent record."""
    return (
        User.objects.filter(enrollments__classroom=classroom)
        .select_related("consent")
        .order_by("name_sort", "pk")
    )


def school_teachers(school: School) -> QuerySet[User]:
    return (
        User.objects.filter(roles__school=school, roles__role=RoleAssignment.Role.TEACHER)
        .annotate(class_count=Count("teaching", distinct=True))
        .order_by("name_sort", "pk")
    )


def school_student_count(school: School, school_year: SchoolYear | None) -> int:
    return Enrollment.objects.filter(classroom__school=school, school_year=school_year).count()


def province_schools_with_counts(province: Province, school_year: SchoolYear | None) -> QuerySet[School]:
    return province.schools.annotate(
        class_count=Count("classrooms", filter=Q(classrooms__school_year=school_year), distinct=True),
        student_count=Count(
            "classrooms__enrollments", filter=Q(classrooms__school_year=school_year), distinct=True
        ),
    ).order_by("name")


def student_current_enrollment(student: User) -> Enrollment | None:
    """The student's enrolment this school year with its class, school and year: one query, once per request."""

    def read():
        enrollment = (
            Enrollment.objects.filter(student=student, school_year__is_current=True)
            .select_related("classroom__school", "school_year")
            .first()
        )
        if enrollment is not None:  # the same year, for the panels that ask for it
            per_request("school_year.current", lambda: enrollment.school_year)
        return enrollment

    return per_request(("student.current_enrollment", student.pk), read)
