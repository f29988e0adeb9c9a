"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from quizsite.urls import urlpatterns as site_urlpatterns

SECRET_DETAIL = "Lớp 12A9 của Trường THPT Bí Mật"


def broken(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied(SECRET_DETAIL)


urlpatterns = [path("test-broken/", broken), path("test-forbidden/", forbidden), *site_urlpatterns]
