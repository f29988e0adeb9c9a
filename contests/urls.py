from django.urls import path

from contests import views

urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("new/", views.contest_create, name="contest_create"),
    path("mine/", views.contest_history, name="contest_history"),
    path("join/", views.contest_join, name="contest_join"),
    path("join/<str:pin>/", views.contest_play, name="contest_play"),
    path("<int:pk>/host/", views.contest_host, name="contest_host"),
    path("<int:pk>/qr.svg", views.contest_qr, name="contest_qr"),
    path("<int:pk>/results/", views.contest_results, name="contest_results"),
    path("<int:pk>/results.<str:fmt>", views.contest_export, name="contest_export"),
]
