from django.contrib import admin

from .models import (
    Comment,
    Decision,
    DecisionEvent,
    Membership,
    Report,
    Review,
    Revision,
    SignOff,
    System,
    Workspace,
)


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reviews and decisions are evidence: the admin shows them and changes nothing."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["title", "system", "version", "date", "status", "signed_off_at"]
    list_filter = ["status"]
    search_fields = ["title", "system__name"]
    list_select_related = ["system"]
    exclude = ["analysis"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["review", "name", "role", "signed_at"]
    list_select_related = ["review"]


class DecisionEventInline(admin.TabularInline):
    model = DecisionEvent
    extra = 0
    can_delete = False
    fields = ("number", "at", "actor_name", "from_state", "to_state", "note", "source")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["fingerprint", "rule", "system", "state", "updated_at"]
    list_filter = ["state"]
    search_fields = ["fingerprint", "rule", "system__name"]
    list_select_related = ["system"]
    inlines = [DecisionEventInline]


@admin.register(DecisionEvent)
class DecisionEventAdmin(ReadOnlyAdmin):
    list_display = ["decision", "number", "at", "actor_name", "from_state", "to_state"]
    list_filter = ["to_state", "source"]
    list_select_related = ["decision"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["review", "fingerprint", "author_name", "at"]
    list_select_related = ["review"]
