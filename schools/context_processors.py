from schools.roles import active_role, user_roles


def active_role_context(request):
    """The active role and the others the user may switch to, for the header."""
    if not request.user.is_authenticated:
        return {}
    role = active_role(request)
    return {
        "active_role": role,
        "other_roles": [r for r in user_roles(request) if r != role],
    }
