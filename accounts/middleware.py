from collections.abc import Callable

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control


class UserTimezoneMiddleware:
    """Show every time in the viewer's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class PrivatePagesMiddleware:
    """Pages for a signed-in person are theirs alone: no shared cache keeps them, and the browser
    does not keep them either, so the back button on a shared computer shows nothing of them
    after logout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a signed-in person, except the views marked `login_not_required` (login,
    password reset, accepting an invitation, the calendar feed, the error pages).

    An htmx request of a signed-out person gets 401 instead of the redirect to the login page:
    htmx would swap the login page in as if it were the answer, while a 401 lets the page keep
    what was typed and say it was not saved."""

    def handle_no_permission(self, request: HttpRequest, view_func) -> HttpResponse:
        if getattr(request, "htmx", False):
            return HttpResponse(
                "You are logged out: nothing was saved.", status=401, content_type="text/plain"
            )
        return super().handle_no_permission(request, view_func)
