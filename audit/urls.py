from django.urls import path

from . import views

urlpatterns = [
    path("workspaces/<int:pk>/audit/", views.workspace_audit, name="workspace_audit"),
]
