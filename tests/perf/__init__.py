"""Benchmark and bulk-data tools for development; not part of the app."""

from __future__ import annotations

import os


def setup_django() -> None:
    """Make the ORM usable when a tool runs as `python -m tests.perf.…` (pytest has done it)."""
    from django.apps import apps

    if apps.ready:
        return
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
