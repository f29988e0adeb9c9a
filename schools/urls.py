from django.urls import include, path

from schools import views

urlpatterns = [
    path("", views.home, name="home"),
    path("role/", views.role_switch, name="role_switch"),
    path("student/", views.student_home, name="student_home"),
    path("teacher/", views.teacher_home, name="teacher_home"),
    path("school/", views.school_admin_home, name="school_admin_home"),
    path("school/teachers/new/", views.teacher_create, name="teacher_create"),
    path("school/classes/new/", views.classroom_create, name="classroom_create"),
    path("school/assign/", views.teacher_assign, name="teacher_assign"),
    path("province/", views.province_admin_home, name="province_admin_home"),
    path("classes/<int:pk>/", views.classroom_detail, name="classroom_detail"),
    path("classes/<int:pk>/students/new/", views.student_create, name="student_create"),
    path("", include("schools.urls_rosters")),
]
