from django.contrib import admin

from .models import Membership, Report, Revision, System, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "created"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created"]
    list_filter = ["role"]
    search_fields = ["user__username", "workspace__name"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "version", "updated"]
    list_filter = ["workspace"]
    search_fields = ["name"]
    # Documents change through the save pipeline only (validation + history).
    readonly_fields = ["version", "document", "analysis", "analyzed_on", "counts", "updated"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["system", "version", "author", "created", "summary", "moves_only"]
    list_filter = ["moves_only"]
    search_fields = ["system__name", "summary"]
    list_select_related = ["system", "author"]
    readonly_fields = [
        "system",
        "version",
        "author",
        "created",
        "updated",
        "summary",
        "moves_only",
        "reverse_patch",
        "snapshot",
        "counts",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["system", "version", "status", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["system__name", "model_hash"]
    list_select_related = ["system", "created_by"]
    # Reports are made by the background task from a revision; the admin only looks.
    readonly_fields = [
        "system",
        "version",
        "status",
        "progress",
        "file",
        "model_hash",
        "created_by",
        "created_at",
        "finished_at",
        "error",
    ]

    def has_add_permission(self, request) -> bool:
        return False
