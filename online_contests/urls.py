from django.urls import path

from online_contests import views

app_name = "online_contests"

urlpatterns = [
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/new/", views.contest_create, name="contest_create"),
    path("manage/<int:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/<int:pk>/edit/", views.contest_edit, name="contest_edit"),
    path("manage/<int:pk>/preview/", views.contest_preview, name="contest_preview"),
    path("manage/<int:pk>/schedule/", views.contest_schedule, name="contest_schedule"),
    path("manage/<int:pk>/close/", views.contest_close, name="contest_close"),
    path("manage/<int:pk>/publish/", views.contest_publish, name="contest_publish"),
    path("manage/<int:pk>/certificates/", views.award_certificates_issue, name="award_certificates_issue"),
    path("manage/<int:pk>/results.csv", views.results_csv, name="results_csv"),
    path("manage/<int:pk>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("manage/<int:pk>/prizes.xlsx", views.prizes_xlsx, name="prizes_xlsx"),
    path("<int:pk>/school-summary.xlsx", views.school_summary_xlsx, name="school_summary_xlsx"),
    path("<int:pk>/", views.contest_detail, name="contest_detail"),
    path("<int:pk>/start/", views.contest_start, name="contest_start"),
    path("<int:pk>/results/", views.results, name="results"),
    path("attempts/<int:pk>/", views.attempt_sheet, name="attempt"),
    path("attempts/<int:pk>/answer/", views.answer_save, name="answer_save"),
    path("attempts/<int:pk>/estimate/", views.estimate_save, name="estimate_save"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
]
