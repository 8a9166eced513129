from django.urls import path

from . import exports

urlpatterns = [
    path(
        "systems/<int:pk>/download/<slug:export_id>",
        exports.system_download,
        name="system_download",
    ),
]
