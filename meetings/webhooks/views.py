"""The webhook pages: a person's own endpoints (a section of Settings, a page to add one), a
program's (its staff's page under /programs/<slug>/webhooks/), and each endpoint's page with its
delivery log. Every subscription is looked up through `managed_by` (404 otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Program, User
from meetings.models import WebhookSubscription
from meetings.webhooks import domain
from meetings.webhooks.delivery import abandoned_before
from meetings.webhooks.emit import send_test
from meetings.webhooks.forms import WebhookForm

LOG_SHOWN = 50


def _secret_key(pk: int) -> str:
    return f"webhook_secret_{pk}"


def _show_secret_once(request: HttpRequest, subscription: WebhookSubscription) -> None:
    """The next view of the subscription's page shows its secret, that once only."""
    request.session[_secret_key(subscription.pk)] = subscription.secret


def settings_context(user: User) -> dict:
    """The Settings page's webhook section: the person's own endpoints."""
    return {
        "own_webhooks": list(WebhookSubscription.objects.filter(owner=user, program__isnull=True))
    }


def _managed(request: HttpRequest, pk: int) -> WebhookSubscription:
    queryset = WebhookSubscription.objects.managed_by(request.user).select_related("program")
    return get_object_or_404(queryset, pk=pk)


def _back(subscription: WebhookSubscription) -> str:
    if subscription.program_id:
        return reverse("program_webhooks", args=[subscription.program.slug])
    return reverse("settings") + "#webhooks"


@require_http_methods(["GET", "POST"])
def webhook_new(request: HttpRequest) -> HttpResponse:
    """Add one of your own endpoints: the events of your own meetings."""
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscription = domain.register(request.user, form.cleaned_data)
        _show_secret_once(request, subscription)
        return redirect("webhook", subscription.pk)
    return render(request, "meetings/webhooks/new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def program_webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's endpoints (figures only), kept by its staff."""
    program = get_object_or_404(Program.objects.staffed_by(request.user), slug=slug)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscription = domain.register(request.user, form.cleaned_data, program=program)
        _show_secret_once(request, subscription)
        return redirect("webhook", subscription.pk)
    subscriptions = WebhookSubscription.objects.filter(program=program).select_related("owner")
    return render(
        request,
        "meetings/webhooks/program.html",
        {"program": program, "form": form, "subscriptions": subscriptions},
    )


@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One endpoint: its settings, its secret (once, after it is made), its delivery log."""
    subscription = _managed(request, pk)
    form = WebhookForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        domain.update(subscription, form.cleaned_data)
        messages.success(request, "Webhook saved.")
        return redirect("webhook", subscription.pk)
    if request.method == "POST":
        subscription.refresh_from_db()  # the page shows the stored address, not the refused one
    return render(
        request,
        "meetings/webhooks/detail.html",
        {
            "subscription": subscription,
            "form": form,
            "secret": request.session.pop(_secret_key(subscription.pk), ""),
            "deliveries": subscription.deliveries.all()[:LOG_SHOWN],
            "stale": abandoned_before(),
            "back": _back(subscription),
        },
    )


@require_POST
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _managed(request, pk)
    domain.rotate_secret(subscription)
    _show_secret_once(request, subscription)
    messages.success(request, "New secret made: the old one no longer signs anything.")
    return redirect("webhook", subscription.pk)


@require_POST
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _managed(request, pk)
    active = request.POST.get("active") == "on"
    domain.set_active(subscription, active)
    messages.success(request, "Webhook turned on." if active else "Webhook turned off.")
    return redirect("webhook", subscription.pk)


@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _managed(request, pk)
    if not subscription.active:
        messages.error(request, "Turn the webhook on first.")
    else:
        send_test(subscription)
        messages.success(request, "Test event queued: it appears in the log below.")
    return redirect("webhook", subscription.pk)


@require_POST
def webhook_resend(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    """Send a message that was given up once more (the endpoint must be on)."""
    subscription = _managed(request, pk)
    delivery = get_object_or_404(subscription.deliveries, pk=delivery_pk)
    if not subscription.active:
        messages.error(request, "Turn the webhook on first.")
    elif domain.resend(delivery):
        messages.success(request, "Message queued again, with the same webhook-id.")
    else:
        messages.error(request, "Only a message that was given up can be sent again.")
    return redirect(reverse("webhook", args=[subscription.pk]) + "#log")


@require_POST
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = _managed(request, pk)
    back = _back(subscription)
    domain.delete(subscription)
    messages.success(request, "Webhook deleted.")
    return redirect(back)
