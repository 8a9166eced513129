from django.urls import path

from . import views

urlpatterns = [
    path("systems/<int:pk>/reports/", views.report_start, name="report_start"),
    path("systems/<int:pk>/reports/panel/", views.report_panel, name="report_panel"),
    path("systems/<int:pk>/reports/<int:report_pk>/", views.report_status, name="report_status"),
    path(
        "systems/<int:pk>/reports/<int:report_pk>/retry/", views.report_retry, name="report_retry"
    ),
    path(
        "systems/<int:pk>/reports/<int:report_pk>/download/",
        views.report_download,
        name="report_download",
    ),
]
