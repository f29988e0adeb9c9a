from django.urls import path, register_converter

from evidence import views


class KindConverter:
    regex = "entry|exit"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(KindConverter, "check_kind")

urlpatterns = [
    path("", views.mine, name="evidence_mine"),
    path("<check_kind:kind>/", views.check_take, name="evidence_check"),
    path("<check_kind:kind>/skip/", views.check_skip, name="evidence_skip"),
]
