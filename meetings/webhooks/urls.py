from django.urls import path

import config.ids  # noqa: F401  (registers the <id:…> converter)
from meetings.webhooks import views

urlpatterns = [
    path("webhooks/new/", views.webhook_new, name="webhook_new"),
    path("webhooks/<id:pk>/", views.webhook_detail, name="webhook"),
    path("webhooks/<id:pk>/secret/", views.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<id:pk>/active/", views.webhook_active, name="webhook_active"),
    path("webhooks/<id:pk>/test/", views.webhook_test, name="webhook_test"),
    path("webhooks/<id:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path(
        "webhooks/<id:pk>/messages/<id:delivery_pk>/resend/",
        views.webhook_resend,
        name="webhook_resend",
    ),
    path("programs/<slug:slug>/webhooks/", views.program_webhooks, name="program_webhooks"),
]
