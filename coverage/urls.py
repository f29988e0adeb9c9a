from django.urls import path, register_converter

from coverage import views


class FormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DocumentConverter(FormatConverter):
    regex = "docx|xlsx"


register_converter(FormatConverter, "export_format")
register_converter(DocumentConverter, "report_format")

urlpatterns = [
    path("classes/<int:pk>/", views.classroom_dashboard, name="coverage_classroom"),
    path("classes/<int:pk>/sessions/", views.training_session_create, name="coverage_session_create"),
    path("classes/<int:pk>/export.<export_format:file_format>", views.export_classroom, name="coverage_export_classroom"),
    path("guided/", views.guided_people, name="coverage_guided"),
    path("guided/<int:pk>/check/", views.guided_check, name="coverage_guided_check"),
    path("school/", views.school_dashboard, name="coverage_school"),
    path("school/rollover/", views.rollover, name="coverage_rollover"),
    path("school/report.<report_format:file_format>", views.school_report, name="coverage_school_report"),
    path("school/export.<export_format:file_format>", views.export_school, name="coverage_export_school"),
    path("province/", views.province_dashboard, name="coverage_province"),
    path("province/targets/", views.targets, name="coverage_targets"),
    path("province/targets/<int:pk>/", views.targets, name="coverage_target_edit"),
    path("province/report.<report_format:file_format>", views.province_report, name="coverage_province_report"),
    path("province/export.<export_format:file_format>", views.export_province, name="coverage_export_province"),
]
