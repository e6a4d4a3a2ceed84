from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import (
    Invite,
    Mentorship,
    Program,
    ResearchManagerAssignment,
    SlackConnection,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "time_zone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Profile", {"fields": ("email", "display_name", "time_zone")}),
    )
    list_display = ("username", "display_name", "email", "time_zone", "is_staff")
    search_fields = ("username", "display_name", "email")


class MentorshipInline(admin.TabularInline):
    model = Mentorship
    extra = 0
    autocomplete_fields = ("scholar", "mentor")


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "starts_on", "ends_on")
    list_filter = ("require_sso",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("staff",)
    inlines = [MentorshipInline]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("scholar", "mentor", "program", "cadence_days", "started_on", "active")
    list_filter = ("program", "active")
    search_fields = ("scholar__username", "mentor__username", "scholar__email", "mentor__email")
    autocomplete_fields = ("scholar", "mentor")


@admin.register(ResearchManagerAssignment)
class ResearchManagerAssignmentAdmin(admin.ModelAdmin):
    list_display = ("scholar", "manager", "program")
    list_filter = ("program",)
    autocomplete_fields = ("scholar", "manager")


# --- Invitations -----------------------------------------------------------------------------


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ("email", "program", "role", "sent_at", "send_count", "accepted_at")
    list_filter = ("program", "role")
    search_fields = ("email", "user__username")
    raw_id_fields = ("user", "invited_by")
    readonly_fields = ("created_at", "sent_at", "send_count", "accepted_at")


# --- Slack -----------------------------------------------------------------------------------


@admin.register(SlackConnection)
class SlackConnectionAdmin(admin.ModelAdmin):
    """Operators see who is linked to which Slack account and can disconnect someone (delete):
    nothing is sent to them after. A link is only made by its person typing the code sent to
    them, so there is no adding or editing here, and the code's hash is never shown."""

    list_display = ("user", "slack_user_id", "confirmed_at", "code_sent_at")
    list_filter = (("confirmed_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__username", "user__email", "slack_user_id")
    exclude = ("code_hash",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
