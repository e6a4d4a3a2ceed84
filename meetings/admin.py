"""Operators' view of meetings and their content (the admin is for superusers only)."""

from django.contrib import admin

from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    MeetingSeries,
    Question,
    SentReminder,
)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
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
class AgendaAdmin(admin.ModelAdmin):
    list_display = ("meeting", "status", "submitted_at", "updated_at")
    list_filter = ("status",)
    raw_id_fields = ("meeting",)
    inlines = [QuestionInline]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("agenda", "author", "section", "created_at")
    raw_id_fields = ("agenda", "question", "author")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("text", "mentorship", "owner", "due_on", "done")
    list_filter = ("done", "owner")
    raw_id_fields = ("mentorship", "meeting", "created_by")


@admin.register(MeetingNote)
class MeetingNoteAdmin(admin.ModelAdmin):
    list_display = ("meeting", "author", "kind", "created_at")
    raw_id_fields = ("meeting", "author")


# The mentor's private notes are deliberately not in the admin (only the mentor who wrote
# one ever sees it, operators included); read receipts are figures and stay out too.
@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "starts_at", "interval_days", "count"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["kind", "meeting", "recipient", "sent_at"]
    list_filter = ["kind"]
