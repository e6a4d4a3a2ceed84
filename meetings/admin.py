"""Meeting content in the admin is for operators (superusers) only.

Program staff may have admin access to manage programs, people and mentorships, but the admin is
not a way around PRIVACY.md: agendas, briefs, annotations and notes stay hidden from them.
"""

from django.contrib import admin

from accounts.admin import ScopedToStaffedPrograms

from .models import (
    ActionItem,
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    MeetingSeries,
    Question,
    SentReminder,
)


class OperatorsOnly(admin.ModelAdmin):
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(Meeting)
class MeetingAdmin(ScopedToStaffedPrograms):
    """Times and statuses: program staff may see them (PRIVACY.md), for their programs only."""

    program_path = "mentorship__program"

    list_display = ("mentorship", "scheduled_at", "status")
    list_filter = ("status", "mentorship__program")
    date_hierarchy = "scheduled_at"
    raw_id_fields = ("mentorship", "created_by")
    fields = ("mentorship", "scheduled_at", "duration_minutes", "status", "held_at")


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fk_name = "agenda"
    raw_id_fields = ("answered_by", "carried_from")


@admin.register(Agenda)
class AgendaAdmin(OperatorsOnly):
    list_display = ("meeting", "status", "submitted_at", "updated_at")
    list_filter = ("status",)
    raw_id_fields = ("meeting",)
    inlines = [QuestionInline]


@admin.register(Annotation)
class AnnotationAdmin(OperatorsOnly):
    list_display = ("agenda", "author", "section", "created_at")
    raw_id_fields = ("agenda", "question", "author")


@admin.register(ActionItem)
class ActionItemAdmin(OperatorsOnly):
    list_display = ("text", "mentorship", "owner", "due_on", "done")
    list_filter = ("done", "owner")
    raw_id_fields = ("mentorship", "meeting", "created_by")


@admin.register(MeetingNote)
class MeetingNoteAdmin(OperatorsOnly):
    list_display = ("meeting", "author", "kind", "created_at")
    raw_id_fields = ("meeting", "author")


# The mentor's private notes are deliberately not in the admin (PRIVACY.md: only the
# mentor who wrote one ever sees it); read receipts are figures and stay out too.
@admin.register(MeetingSeries)
class MeetingSeriesAdmin(OperatorsOnly):
    list_display = ["mentorship", "starts_at", "interval_days", "count"]


@admin.register(SentReminder)
class SentReminderAdmin(OperatorsOnly):
    list_display = ["kind", "meeting", "recipient", "sent_at"]
    list_filter = ["kind"]
