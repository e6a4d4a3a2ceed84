"""Content-Security-Policy with no inline script or style anywhere, and production settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def _templates() -> list[Path]:
    found = list((ROOT / "templates").rglob("*.html"))
    found += [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    assert found
    return found


INLINE = {
    "inline <script> (no src)": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "style= attribute": re.compile(r"\sstyle\s*=", re.I),
    "on*= event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "hx-on (needs eval, refused by the CSP)": re.compile(r"\b(data-)?hx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


# Templates never served to a browser by the app, with why they may differ.
NOT_SERVED = {
    "templates/meetings/briefs/brief_pdf.html": (
        "rendered to a temporary file for headless Chromium's print-to-PDF (its own CSP meta "
        "blocks every load); may inline its stylesheet, never scripts"
    ),
    "templates/meetings/growth/report_pdf.html": "the end-of-program report's PDF page: as the brief's",
}


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_has_no_inline_script_or_style_in_templates(path):
    text = path.read_text(encoding="utf-8")
    allowed = {"<style> block"} if str(path.relative_to(ROOT)) in NOT_SERVED else set()
    problems = [
        what for what, pattern in INLINE.items() if pattern.search(text) and what not in allowed
    ]
    assert not problems, f"{path.relative_to(ROOT)}: {problems}"


def test_it_spots_inline_script_and_style():
    bad = '<script>x()</script><p style="x"><button onclick="y">'
    assert sum(bool(p.search(bad)) for p in INLINE.values()) == 3
    assert not INLINE["inline <script> (no src)"].search('<script src="/static/a.js" defer>')


def test_it_sends_a_strict_content_security_policy(world):
    response = world.client_for(world.scholar).get(reverse("home"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_it_configures_htmx_to_work_without_eval(world):
    """htmx must never need eval or inline scripts: configured through its <meta> tag."""
    html = world.client_for(world.scholar).get(reverse("home")).content.decode()
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match, "htmx-config meta tag missing from base.html"
    config = json.loads(match.group(1))
    assert config["allowEval"] is False
    assert config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False


def _production_env() -> dict[str, str]:
    # A clean production environment: nothing the test run itself set (e.g. the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE, DATABASE_URL) leaks into it.
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH", "VIRTUAL_ENV", "TMPDIR"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "mentorprep.example",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    for name in ("SECURE_COOKIES", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)
    return env


def test_it_passes_check_deploy_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_uses_secure_cookies_and_hsts_in_production():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session': s.SESSION_COOKIE_SECURE, 'csrf': s.CSRF_COOKIE_SECURE, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT, "
        "'frame': s.X_FRAME_OPTIONS, 'debug': s.DEBUG, 'httponly': s.SESSION_COOKIE_HTTPONLY}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "session": True,
        "csrf": True,
        "hsts": 31536000,
        "ssl": True,
        "frame": "DENY",
        "debug": False,
        "httponly": True,
    }


@pytest.mark.parametrize("name,args", [("home", []), ("account", []), ("settings", [])])
def test_it_tells_browsers_not_to_keep_signed_in_pages(world, name, args):
    response = world.client_for(world.scholar).get(reverse(name, args=args))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
