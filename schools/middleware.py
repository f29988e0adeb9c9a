"""Session rules for shared lab PCs and first-login password changes."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ACTIVITY_KEY = "last_activity"


class StudentSessionMiddleware:
    """Students' sessions end when the browser closes and after inactivity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get("is_student"):
            now = int(time.time())
            last = request.session.get(ACTIVITY_KEY, now)
            if now - last > settings.STUDENT_IDLE_SECONDS:
                logout(request)
                messages.info(request, _("Phiên làm việc đã hết hạn do lâu không thao tác. Em hãy đăng nhập lại."))
                return redirect("login")
            if now - last >= 60 or ACTIVITY_KEY not in request.session:
                request.session[ACTIVITY_KEY] = now
        return self.get_response(request)


class ForcePasswordChangeMiddleware:
    """A user logging in with a slip password must choose their own before anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/verify/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect(reverse("password_change"))
        return self.get_response(request)
