from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Invite, Mentorship, Program, ResearchManagerAssignment, User


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
