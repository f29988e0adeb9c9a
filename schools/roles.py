"""The role a user is acting in: one person may be a teacher and a school admin."""

from schools.models import RoleAssignment

SESSION_KEY = "active_role_id"
# When nothing was chosen, land on the widest view the user has.
ROLE_PRIORITY = [
    RoleAssignment.Role.PROVINCE_ADMIN,
    RoleAssignment.Role.SCHOOL_ADMIN,
    RoleAssignment.Role.TEACHER,
    RoleAssignment.Role.STUDENT,
]


def user_roles(request) -> list[RoleAssignment]:
    """The signed-in user's role assignments, read once per request (the header needs them too)."""
    roles = getattr(request, "_roles", None)
    if roles is None:
        roles = request._roles = list(request.user.roles.select_related("school__province", "province"))
    return roles


def active_role(request) -> RoleAssignment | None:
    if not request.user.is_authenticated:
        return None
    cached = getattr(request, "_active_role", None)
    if cached is not None:
        return cached
    roles = user_roles(request)
    chosen = next((r for r in roles if r.pk == request.session.get(SESSION_KEY)), None)
    if chosen is None and roles:
        chosen = min(roles, key=lambda r: ROLE_PRIORITY.index(r.role))
    request._active_role = chosen
    return chosen


def set_active_role(request, role: RoleAssignment) -> None:
    request.session[SESSION_KEY] = role.pk
    request._active_role = role
