"""Site middleware: the active language (Vietnamese unless chosen otherwise), and the headers every page gets."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


def chosen_language(request) -> str:
    """The language saved by the selector (Django's set_language cookie), else LANGUAGE_CODE.

    Accept-Language is ignored on purpose: students' phones are often set to
    English while the class works in Vietnamese, so a browser setting alone
    must not switch the site.
    """
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    """LocaleMiddleware without its Accept-Language step (no i18n_patterns here)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Django's admin templates carry inline style attributes; its scripts are files too.
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class SecurityHeadersMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user, and the CSP on every HTML page.

    Signed-in, not per view: every page or file that shows a student's name needs a
    login (public pages only show masked names), so a default for signed-in responses
    covers them all, the exports and any page added later, while the login page,
    public verification and static files stay cacheable. Lab PCs are shared: the
    browser must not keep a class list for the next student to find in its cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        # Only documents need it; on a PDF it would stop the browser's own viewer.
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = ADMIN_CONTENT_SECURITY_POLICY if admin else CONTENT_SECURITY_POLICY
        return response
