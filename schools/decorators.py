from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from schools.roles import active_role, user_roles


def role_required(*roles: str):
    """Let the view run only for a user holding one of ``roles``; sets ``request.role``.

    The active role is used when it fits; otherwise the first fitting role the
    user holds, so a teacher who is also a school admin never hits a wall.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            role = active_role(request)
            if role is None or role.role not in roles:
                role = next((r for r in user_roles(request) if r.role in roles), None)
            if role is None:
                raise PermissionDenied
            request.role = role
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
