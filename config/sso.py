"""Sign-in providers (Google, OpenID Connect) from the environment, as django-allauth's
SOCIALACCOUNT_PROVIDERS. Plain Python, read by config/settings.py: no Django import here.

    SSO_GOOGLE_CLIENT_ID, SSO_GOOGLE_SECRET[, SSO_GOOGLE_NAME]
    SSO_OIDC_PROVIDERS=cilogon,okta         the ids of OpenID Connect providers, each with
    SSO_OIDC_<ID>_ISSUER                    its issuer (discovery at <issuer>/.well-known/...)
    SSO_OIDC_<ID>_CLIENT_ID, SSO_OIDC_<ID>_SECRET, SSO_OIDC_<ID>_NAME (the button's words)

A provider with a value missing is not configured, and `problems` names what is missing:
config/settings.py then stops start-up with it, as for any other bad variable.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SCOPE = ["openid", "email", "profile"]
PROVIDER_ID = re.compile(r"^[a-z][a-z0-9-]{0,29}$")


def providers_from_env(get: Callable[[str], str]) -> tuple[dict, list[str]]:
    """(SOCIALACCOUNT_PROVIDERS, problems) from `get(name) -> value or ""`."""
    providers: dict = {}
    problems: list[str] = []
    google = {k: get(f"SSO_GOOGLE_{k}") for k in ("CLIENT_ID", "SECRET", "NAME")}
    if google["CLIENT_ID"] or google["SECRET"]:
        if google["CLIENT_ID"] and google["SECRET"]:
            providers["google"] = {
                "APPS": [
                    {
                        "client_id": google["CLIENT_ID"],
                        "secret": google["SECRET"],
                        "name": google["NAME"] or "Google",
                        "settings": {"oauth_pkce_enabled": True},
                    }
                ],
                "SCOPE": SCOPE,
                "AUTH_PARAMS": {"prompt": "select_account"},
                "OAUTH_PKCE_ENABLED": True,
            }
        else:
            problems.append("SSO_GOOGLE_CLIENT_ID and SSO_GOOGLE_SECRET must both be set.")
    apps = []
    for raw in (get("SSO_OIDC_PROVIDERS") or "").split(","):
        provider_id = raw.strip().lower()
        if not provider_id:
            continue
        if not PROVIDER_ID.match(provider_id) or provider_id == "google":
            problems.append(
                f"SSO_OIDC_PROVIDERS: “{provider_id}” is not a usable id (lower-case letters, "
                "digits and dashes, starting with a letter; not “google”)."
            )
            continue
        prefix = f"SSO_OIDC_{provider_id.upper().replace('-', '_')}_"
        values = {k: get(prefix + k) for k in ("ISSUER", "CLIENT_ID", "SECRET", "NAME")}
        missing = [prefix + k for k in ("ISSUER", "CLIENT_ID", "SECRET") if not values[k]]
        if missing:
            problems.append(f"Sign-in provider “{provider_id}” needs {', '.join(missing)}.")
            continue
        apps.append(
            oidc_app(
                provider_id,
                values["NAME"] or provider_id,
                values["ISSUER"],
                values["CLIENT_ID"],
                values["SECRET"],
            )
        )
    if apps:
        providers["openid_connect"] = {"APPS": apps, "SCOPE": SCOPE}
    return providers, problems


def oidc_app(provider_id: str, name: str, issuer: str, client_id: str, secret: str) -> dict:
    """One OpenID Connect provider as an allauth app (also used by the tests)."""
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": {
            "server_url": issuer.rstrip("/"),
            "oauth_pkce_enabled": True,
            # the id token and the claims come from the token endpoint and userinfo
            "fetch_userinfo": True,
        },
    }
