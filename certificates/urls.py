from django.urls import path

from certificates import views

urlpatterns = [
    path("verify/", views.verify, name="certificate_verify"),
    path("verify/<str:code>/", views.verify_code, name="certificate_verify_code"),
    path("certificates/", views.own_list, name="certificate_own_list"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("school/certificates/", views.school_list, name="certificate_school_list"),
    path("school/certificates/issue/", views.issue_class, name="certificate_issue_class"),
    path("school/certificates/<int:pk>/revoke/", views.revoke, name="certificate_revoke"),
    path("school/certificates/class/<int:pk>/pdf/", views.class_pdf, name="certificate_class_pdf"),
]
