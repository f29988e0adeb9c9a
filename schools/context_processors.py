from schools.roles import active_role


def active_role_context(request):
    """The active role and the others the user may switch to, for the header."""
    if not request.user.is_authenticated:
        return {}
    role = active_role(request)
    return {
        "active_role": role,
        "other_roles": [r for r in request.user.roles.select_related("school", "province") if r != role],
    }
