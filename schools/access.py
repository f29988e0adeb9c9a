"""Who may see what: every view scopes its queries through these functions.

A teacher sees only their classes, a school admin only their school, a
province admin only their province; anything else is a 404, never data.
"""

from django.db.models import Q, QuerySet

from schools.models import Classroom, Province, RoleAssignment, School, User

Role = RoleAssignment.Role


def schools_administered(user: User) -> QuerySet[School]:
    return School.objects.filter(role_assignments__user=user, role_assignments__role=Role.SCHOOL_ADMIN)


def provinces_administered(user: User) -> QuerySet[Province]:
    return Province.objects.filter(role_assignments__user=user, role_assignments__role=Role.PROVINCE_ADMIN)


def schools_in_provinces_administered(user: User) -> QuerySet[School]:
    return School.objects.filter(province__in=provinces_administered(user))


def classrooms_taught(user: User) -> QuerySet[Classroom]:
    return Classroom.objects.filter(teachers__teacher=user)


def classrooms_managed(user: User) -> QuerySet[Classroom]:
    """Classes whose students' names the user may see: taught by them or in a school they administer."""
    if not user.is_authenticated:
        return Classroom.objects.none()
    return Classroom.objects.filter(
        Q(teachers__teacher=user) | Q(school__in=schools_administered(user))
    ).distinct()


def students_managed(user: User) -> QuerySet[User]:
    """Students enrolled in a class the user manages (any school year)."""
    return User.objects.filter(enrollments__classroom__in=classrooms_managed(user)).distinct()


def is_staff_of_student(viewer: User, student: User) -> bool:
    """The student's own teachers and school admins (the display-name rule's 'staff')."""
    if not viewer.is_authenticated:
        return False
    return students_managed(viewer).filter(pk=student.pk).exists()


def has_role(user: User, role: str) -> bool:
    return user.is_authenticated and user.roles.filter(role=role).exists()
