"""The floor for tests.perf.served: the smallest Django application, served the same way.

    gunicorn tests.perf.bare:application

One view that answers "ok": Django's request handling with no middleware, no database, no
session, no template. This is what any Django page costs at least on this machine and this
gunicorn; a page's share of it (its req/s ÷ this one's) is what everything the app does on top
(the middleware, the session and user, the queries, the template) leaves of that. Its own
settings module rather than a view in the app: a "do nothing" view behind the app's middleware
would already pay for the session and the user, the very things a page's share should count.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bare-benchmark-only"),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("", bare)]
application = get_wsgi_application()
