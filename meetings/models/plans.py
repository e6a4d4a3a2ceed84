"""The scholar's research plan and its milestones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from meetings import access
from meetings.models.agendas import Agenda


class ResearchPlanQuerySet(models.QuerySet["ResearchPlan"]):
    def visible_to(self, user: User) -> ResearchPlanQuerySet:
        return self.filter(access.research_plan(user))


class ResearchPlan(models.Model):
    """A scholar's short plan: the goal, the theory of change and milestones with target dates."""

    scholar = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="research_plan"
    )
    goal = models.TextField("Goal", max_length=600, blank=True)
    theory_of_change = models.TextField("Theory of change", max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ResearchPlanQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Research plan of {self.scholar_id}"


class Milestone(models.Model):
    plan = models.ForeignKey(ResearchPlan, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("Milestone", max_length=200)
    target_on = models.DateField("Target date", null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The agendas whose progress the scholar tagged as advancing this milestone.
    agendas = models.ManyToManyField(Agenda, related_name="milestones", blank=True)

    class Meta:
        ordering = ["position", "target_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def is_overdue(self, today) -> bool:
        return not self.is_done and self.target_on is not None and self.target_on < today
