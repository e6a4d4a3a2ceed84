from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("settings")
    return render(request, "accounts/settings.html", {"form": form})


# --- issue 5: the smallest real page (the benchmark's baseline) ----------------------------------


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    """Who you are, with links to settings: session + user lookup + base template only."""
    return render(request, "accounts/account.html")
