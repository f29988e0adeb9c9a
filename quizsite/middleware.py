"""The active language: Vietnamese unless the user chose another in the selector."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
