from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from . import diagram_views, format_help, reimport, versions, views
from .history import SECTIONS


class SectionConverter:
    """One of the model document's item sections: elements, flows, boundaries, ..."""

    regex = "|".join(SECTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(SectionConverter, "section")

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.health, name="health"),
    path("help/format/", format_help.format_help, name="format_help"),
    path("help/format/<str:name>", format_help.format_doc, name="format_doc"),
    path("workspaces/", views.workspace_list, name="workspace_list"),
    path("workspaces/<int:pk>/", views.workspace_detail, name="workspace_detail"),
    path("workspaces/<int:pk>/members/", views.member_add, name="member_add"),
    path(
        "workspaces/<int:pk>/members/<int:member_pk>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "workspaces/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("systems/new/", views.system_create, name="system_create"),
    path("systems/import/", views.system_import, name="system_import"),
    path("systems/<int:pk>/", views.system_detail, name="system_detail"),
    path("systems/<int:pk>/document.json", views.system_document, name="system_document"),
    path("systems/<int:pk>/layout.json", diagram_views.system_layout, name="system_layout"),
    path("systems/<int:pk>/export.<str:fmt>", views.system_export, name="system_export"),
    # The one-step replacing import of old: Import version (reimport) shows what a file
    # changes first, and merges another tool's export with the architect's edits.
    path(
        "systems/<int:pk>/import/",
        RedirectView.as_view(pattern_name="system_reimport", permanent=True),
    ),
    path("systems/<int:pk>/reimport/", reimport.system_reimport, name="system_reimport"),
    path(
        "systems/<int:pk>/reimport/confirm/",
        reimport.system_reimport_confirm,
        name="system_reimport_confirm",
    ),
    path("systems/<int:pk>/settings/", views.system_settings, name="system_settings"),
    path("systems/<int:pk>/delete/", views.system_delete, name="system_delete"),
    path("systems/<int:pk>/policy/", views.system_policy, name="system_policy"),
    path("systems/<int:pk>/findings/", views.system_findings, name="system_findings"),
    path("systems/<int:pk>/history/", versions.system_history, name="system_history"),
    path(
        "systems/<int:pk>/revisions/<int:version>/",
        versions.revision_detail,
        name="revision_detail",
    ),
    path(
        "systems/<int:pk>/revisions/<int:version>/restore/",
        versions.revision_restore,
        name="revision_restore",
    ),
    path("systems/<int:pk>/diff/", versions.revision_diff, name="revision_diff"),
    path("systems/<int:pk>/<section:section>/", views.inventory_section, name="inventory_section"),
    path("systems/<int:pk>/<section:section>/new/", views.item_create, name="item_create"),
    path(
        "systems/<int:pk>/<section:section>/<slug:item_id>/",
        views.item_edit,
        name="item_edit",
    ),
    path(
        "systems/<int:pk>/<section:section>/<slug:item_id>/delete/",
        views.item_delete,
        name="item_delete",
    ),
    path("", include("reviews.report.urls")),
    path("", include("reviews.meeting_urls")),
    path("", include("reviews.export_urls")),
]
