from django.db import migrations, models
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

# The detector's threshold when this migration was written (meetings/unstuck/streaks.py,
# STUCK_FROM): the stored figure is the run's length from there on, 0 below. After a change to
# the detector, `manage.py recompute_stuck_streaks` stores every figure again.
STUCK_FROM = 2


def fill(apps, schema_editor):
    """Each pair's figures from the rows already stored: its latest held meeting's time, and
    the run stored with its latest counted agenda (submitted, its meeting not cancelled)."""
    Mentorship = apps.get_model("accounts", "Mentorship")
    Meeting = apps.get_model("meetings", "Meeting")
    Agenda = apps.get_model("meetings", "Agenda")
    last_held = (
        Meeting.objects.filter(mentorship=OuterRef("pk"), status="held")
        .order_by("-scheduled_at")
        .values("scheduled_at")[:1]
    )
    latest_run = (
        Agenda.objects.filter(meeting__mentorship=OuterRef("pk"), status="submitted")
        .exclude(meeting__status="cancelled")
        .order_by("-meeting__scheduled_at", "-pk")
        .values("stuck_run")[:1]
    )
    run = Coalesce(Subquery(latest_run, output_field=IntegerField()), Value(0))
    Mentorship.objects.update(
        last_held_meeting_at=Subquery(last_held),
        stuck_for=Case(When(GreaterThanOrEqual(run, STUCK_FROM), then=run), default=Value(0)),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        # the streaks stored with each agenda, read to fill the pair's figure
        ("meetings", "0004_stored_text_figures"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentorship",
            name="last_held_meeting_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the pair's latest held meeting was.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="mentorship",
            name="stuck_for",
            field=models.PositiveSmallIntegerField(
                default=0,
                editable=False,
                help_text="Meetings the pair has been stuck for (0: not stuck).",
            ),
        ),
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(fields=["program", "stuck_for"], name="mentorship_program_stuck"),
        ),
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(
                fields=["program", "last_held_meeting_at"], name="mentorship_program_held"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
