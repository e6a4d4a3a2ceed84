"""Operators' view of meetings and their content (the admin is for superusers only)."""

from django.contrib import admin
from django.db import models

from meetings.models import (
    ActionItem,
    Agenda,
    Annotation,
    Meeting,
    MeetingNote,
    MeetingSeries,
    Question,
    SentReminder,
    WebhookDelivery,
    WebhookSubscription,
)
from meetings.unstuck.streaks import recompute_pair


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "scheduled_at", "status")
    list_filter = ("status", "mentorship__program")
    date_hierarchy = "scheduled_at"
    raw_id_fields = ("mentorship", "created_by")
    fields = ("mentorship", "scheduled_at", "duration_minutes", "status", "held_at")

    # An operator's edit may change which agendas count for the stuck detector, or their order:
    # the pairs' stored streaks are written again (meetings/unstuck/streaks.py).
    def save_model(self, request, obj, form, change):
        before = Meeting.objects.filter(pk=obj.pk).values_list("mentorship_id", flat=True)
        pairs = {*before, obj.mentorship_id} if change else {obj.mentorship_id}
        super().save_model(request, obj, form, change)
        for pair in pairs:
            recompute_pair(pair)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recompute_pair(obj.mentorship_id)

    def delete_queryset(self, request, queryset):
        pairs = set(queryset.values_list("mentorship_id", flat=True))
        super().delete_queryset(request, queryset)
        for pair in pairs:
            recompute_pair(pair)


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

    # as MeetingAdmin: the bottleneck, the tick or the status may change the pair's streaks
    def save_model(self, request, obj, form, change):
        before = Agenda.objects.filter(pk=obj.pk).values_list("meeting__mentorship_id", flat=True)
        pairs = {*before, obj.meeting.mentorship_id} if change else {obj.meeting.mentorship_id}
        super().save_model(request, obj, form, change)
        for pair in pairs:
            recompute_pair(pair)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recompute_pair(obj.meeting.mentorship_id)

    def delete_queryset(self, request, queryset):
        pairs = set(queryset.values_list("meeting__mentorship_id", flat=True))
        super().delete_queryset(request, queryset)
        for pair in pairs:
            recompute_pair(pair)


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


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """Operators see and can turn endpoints off; the signing secret is never shown here."""

    list_display = ["url", "owner", "program", "active", "failing_since", "last_success_at"]
    list_filter = ["active"]
    exclude = ["secret"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["disabled_at", "disabled_mail_sent_at", "failing_since", "last_success_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "subscription", "status", "attempts", "response_code", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = ["message_id", "body"]
