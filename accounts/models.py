"""People and their programs: users, programs (cohorts) with staff, and mentorships."""

from __future__ import annotations

import zoneinfo
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

TIME_ZONE_CHOICES = tuple(
    (tz, tz.replace("_", " ")) for tz in sorted(zoneinfo.available_timezones())
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone.")


# --- Who is who: the rules about people and programs, written once ------------------------------
# Roles are derived from relations, so one person can be a scholar in one program and a mentor in
# another without a role field falling out of date. meetings/access.py builds on these.


def program_staff(user, program: str = "pk") -> Q:
    """The one rule for "program staff of this program": the rows whose program has `user` on
    its staff (`program`: the path to the program's id from the queried model; "pk" when
    querying programs). A subquery, so that it can be OR-ed with other conditions without
    repeating rows."""
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    staffed = Program.staff.through.objects.filter(program_id=OuterRef(program), user_id=user.pk)
    return Q(Exists(staffed))


class User(AbstractUser):
    display_name = models.CharField(max_length=120, blank=True)
    # No `choices` here: the zone list changes with tzdata, and must not churn migrations.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # Which mails the user wants, and the secret of their calendar feed.
    mail_brief_submitted = models.BooleanField(
        "When a scholar submits or updates a brief", default=True
    )
    mail_agenda_reminder = models.BooleanField(
        "Reminder 48 hours before a meeting when my agenda is not submitted", default=True
    )
    mail_brief_reminder = models.BooleanField(
        "Reminder 24 hours before a meeting when I have not opened the brief", default=True
    )
    mail_meeting_changes = models.BooleanField(
        "When a meeting is scheduled, moved or cancelled", default=True
    )
    mail_peer_offers = models.BooleanField(
        "When a scholar of my program offers help with a bottleneck I shared", default=True
    )
    mail_recap_confirm = models.BooleanField(
        "When my scholar writes the recap of a meeting, for me to confirm", default=True
    )
    mail_peer_asked = models.BooleanField(
        'When a scholar of my program lists me under "whom I asked"', default=True
    )
    ics_token = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # A new address takes effect only when the link mailed to it is opened (accounts/emails.py):
    # invitations and imports find people by address, so an address must be proven owned.
    pending_email = models.EmailField(blank=True, default="")

    class Meta:
        ordering = ["display_name", "username"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="unique_user_email_ci"
            )
        ]

    def __str__(self) -> str:
        return self.name

    # The columns `name` reads, for lists that read names without loading people.
    NAME_FIELDS = ("display_name", "first_name", "last_name", "username")

    @property
    def name(self) -> str:
        """How a person is named everywhere: their display name, else their full name, else
        their username."""
        return User.name_from(self.display_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def name_from(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """`name` from its columns (NAME_FIELDS, in that order)."""
        return display_name or f"{first_name} {last_name}".strip() or username

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    def is_scholar(self) -> bool:
        """The one "is a scholar" rule: a scholar in some mentorship (see `of_scholar`)."""
        return Mentorship.objects.of_scholar(self).exists()

    def is_mentor(self) -> bool:
        return self.mentorships_as_mentor.exists()

    def rotate_ics_token(self) -> str:
        import secrets

        self.ics_token = secrets.token_urlsafe(32)
        self.save(update_fields=["ics_token"])
        return self.ics_token


class ProgramQuerySet(models.QuerySet["Program"]):
    def staffed_by(self, user: User) -> ProgramQuerySet:
        """The programs `user` is on the staff of (`program_staff`)."""
        return self.filter(program_staff(user))


class Program(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    starts_on = models.DateField(default=date.today)
    ends_on = models.DateField(null=True, blank=True)
    staff = models.ManyToManyField(User, related_name="staffed_programs", blank=True)
    # Members sign in through a provider only (accounts/sso.py): the password login refuses them.
    require_sso = models.BooleanField(
        "Require sign-in with the university or Google",
        default=False,
        help_text="Scholars, mentors and staff of this program cannot log in with a password.",
    )

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:120] or "program"
        super().save(*args, **kwargs)

    def is_staffed_by(self, user: User) -> bool:
        """`program_staff` for this program."""
        return Program.objects.staffed_by(user).filter(pk=self.pk).exists()


class MentorshipQuerySet(models.QuerySet["Mentorship"]):
    def active(self) -> MentorshipQuerySet:
        return self.filter(active=True)

    def of_user(self, user: User) -> MentorshipQuerySet:
        """Mentorships the user is a party to (as scholar or mentor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(scholar=user) | Q(mentor=user))

    def of_scholar(self, user: User) -> MentorshipQuerySet:
        """The mentorships in which `user` is the scholar: being a scholar (anywhere, or in a
        program) is having one."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(scholar_id=user.pk)


class Mentorship(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    scholar = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="mentorships_as_scholar"
    )
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mentorships_as_mentor")
    cadence_days = models.PositiveSmallIntegerField(
        default=7, help_text="How often this pair is expected to meet, in days."
    )
    started_on = models.DateField(default=date.today)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The pair's current figures, stored by the writer of every change to its meetings or
    # agendas (meetings.unstuck.streaks.recompute_pairs, the one definition of both) so that
    # staff pages filter, sort and count a whole program on this table alone.
    stuck_for = models.PositiveSmallIntegerField(
        default=0, editable=False, help_text="Meetings the pair has been stuck for (0: not stuck)."
    )
    last_held_meeting_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the pair's latest held meeting was."
    )

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["program", "scholar__username", "mentor__username"]
        indexes = [
            # the cadence page's filters and totals within a program
            models.Index(fields=["program", "stuck_for"], name="mentorship_program_stuck"),
            models.Index(
                fields=["program", "last_held_meeting_at"], name="mentorship_program_held"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "scholar", "mentor"], name="unique_mentorship_in_program"
            ),
            models.CheckConstraint(
                condition=~Q(scholar=models.F("mentor")), name="mentor_is_not_own_scholar"
            ),
            models.CheckConstraint(condition=Q(cadence_days__gte=1), name="cadence_at_least_1"),
        ]

    def __str__(self) -> str:
        return f"{self.scholar} ↔ {self.mentor} ({self.program})"


class ResearchManagerQuerySet(models.QuerySet["ResearchManagerAssignment"]):
    def of_manager(self, user: User) -> ResearchManagerQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(manager=user)


class ResearchManagerAssignment(models.Model):
    """A program staff member who looks after a scholar (sees figures, and shared check-ins)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="manager_assignments"
    )
    manager = models.ForeignKey(User, on_delete=models.CASCADE, related_name="managed_scholars")
    scholar = models.ForeignKey(User, on_delete=models.CASCADE, related_name="research_managers")

    objects = ResearchManagerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "scholar"], name="one_research_manager_per_scholar"
            )
        ]

    def __str__(self) -> str:
        return f"{self.manager} manages {self.scholar} ({self.program})"


# --- Invitations -------------------------------------------------------------------------------


class Invite(models.Model):
    """An invitation to a program by e-mail; its link lets the person set a password once.

    The link carries a signed token (see accounts/invites.py) that expires, is single use
    (accepted_at) and is replaced when the invitation is re-sent (send_count).
    """

    class Role(models.TextChoices):
        SCHOLAR = "scholar", "Scholar"
        MENTOR = "mentor", "Mentor"
        STAFF = "staff", "Program staff"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invites")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invites")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.SCHOLAR)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # An invitation to one proposed pair (PendingMentorship), not to the program: someone already
    # in the program is paired only when they accept, and may get several such proposals.
    pairing = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user", "role"],
                condition=Q(pairing=False),
                name="one_invite_per_role_in_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} in {self.program}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class PendingMentorship(models.Model):
    """A pair from a CSV import, or proposed by staff on the People page, that waits until every
    invited person in it accepts: an existing account joins a program, or a pair, only with its
    owner's consent."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="pending_mentorships"
    )
    scholar = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    cadence_days = models.PositiveSmallIntegerField(default=7)
    invites = models.ManyToManyField(Invite, related_name="pending_mentorships")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "scholar", "mentor"], name="one_pending_pair_in_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scholar} ↔ {self.mentor} ({self.program}), waiting for acceptance"


# Personal access tokens for the JSON API: their own module, registered with this app here.
from accounts.api_tokens import ApiToken  # noqa: E402, F401


class SlackConnection(models.Model):
    """A person's link to their account in the operator's Slack workspace (accounts/slack.py).

    Found by the person's e-mail address, then proven theirs with a short code sent to them by
    direct message: until `confirmed_at` is set nothing else is ever sent. Only the code's hash
    is kept. The `slack_*` switches are the Slack half of each notice's choice (the `mail_*`
    fields of User are the mail half): off, mail, Slack or both."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="slack")
    slack_user_id = models.CharField(max_length=32)
    code_hash = models.CharField(max_length=128, blank=True, default="")
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    slack_brief_submitted = models.BooleanField(default=True)
    slack_agenda_reminder = models.BooleanField(default=True)
    slack_brief_reminder = models.BooleanField(default=True)
    slack_recap_confirm = models.BooleanField(default=True)
    slack_peer_asked = models.BooleanField(default=True)
    slack_meeting_changes = models.BooleanField(default=True)

    def __str__(self) -> str:
        state = "confirmed" if self.confirmed_at else "waiting for the code"
        return f"Slack {self.slack_user_id} for {self.user} ({state})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
