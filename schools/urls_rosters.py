from django.urls import path

from schools import views_rosters

urlpatterns = [
    path("rosters/import/", views_rosters.roster_import, name="roster_import"),
    path("rosters/import/confirm/", views_rosters.roster_confirm, name="roster_confirm"),
    path("rosters/template.<str:file_format>", views_rosters.roster_template, name="roster_template"),
    path("rosters/download/", views_rosters.roster_download, name="roster_download"),
    path("classes/<int:pk>/slips/", views_rosters.classroom_slips, name="classroom_slips"),
    path("classes/<int:pk>/consent/", views_rosters.classroom_consent, name="classroom_consent"),
    path("classes/<int:pk>/consent-form.pdf", views_rosters.classroom_consent_form, name="classroom_consent_form"),
]
