from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody adds, edits or deletes an event."""

    list_display = ["created", "action", "actor_name", "ip_address", "workspace_name", "target"]
    list_filter = ["action"]
    search_fields = ["actor_name", "workspace_name", "system_name", "target", "ip_address"]
    date_hierarchy = "created"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
