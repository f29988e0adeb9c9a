from django.urls import path

from lessons import views

urlpatterns = [
    path("", views.course_overview, name="course_overview"),
    path("practice/<int:pk>/", views.attempt_detail, name="attempt_detail"),
    path("practice/<int:pk>/answer/", views.answer_submit, name="answer_submit"),
    path("practice/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
    path("simulations/portal/", views.simulation_portal, name="simulation_portal"),
    path("simulations/real-site/", views.simulation_real_site, name="simulation_real_site"),
    path("simulations/procedure/", views.simulation_procedure, name="simulation_procedure"),
    path("simulations/tracking/", views.simulation_tracking, name="simulation_tracking"),
    path("classes/<int:pk>/", views.classroom_lessons, name="classroom_lessons"),
    path("classes/<int:pk>/assignments/<int:assignment_pk>/delete/", views.assignment_delete,
         name="assignment_delete"),
    path("ratings/", views.ratings, name="lesson_ratings"),
    path("questions/review/", views.question_review, name="question_review"),
    path("questions/<int:pk>/report/", views.question_report, name="question_report"),
    path("questions/<int:pk>/handled/", views.question_reports_handle, name="question_reports_handle"),
    path("quizzes/", views.quiz_list, name="quiz_list"),
    path("quizzes/template.<str:fmt>", views.quiz_template, name="quiz_template"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="quiz_detail"),
    path("quizzes/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("quizzes/<int:pk>/questions/<int:question_pk>/retire/", views.question_retire, name="question_retire"),
    path("quizzes/<int:pk>/import/", views.quiz_import, name="quiz_import"),
    path("quizzes/<int:pk>/export.xlsx", views.quiz_export, name="quiz_export"),
    path("<slug:key>/", views.lesson_detail, name="lesson_detail"),
    path("<slug:key>/practice/", views.practice_start, name="practice_start"),
    path("<slug:key>/rate/", views.lesson_rate, name="lesson_rate"),
]
