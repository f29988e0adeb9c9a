from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("schools.auth_urls")),
    path("lessons/", include("lessons.urls")),
    path("contests/", include("contests.urls")),
    path("online-contests/", include("online_contests.urls")),
    path("coverage/", include("coverage.urls")),
    path("evidence/", include("evidence.urls")),
    path("", include("certificates.urls")),
    path("", include("schools.urls")),
]
