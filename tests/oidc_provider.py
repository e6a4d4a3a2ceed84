"""A real OpenID Connect provider for the tests: panva's oidc-provider under node
(tests/oidc/provider.mjs), started on a free port for one test and stopped after it.

Tests that use it import the fixture: `from tests.oidc_provider import oidc  # noqa: F401`.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from config.sso import oidc_app

HERE = Path(__file__).parent / "oidc"
NODE = shutil.which("node")
PROVIDER_ID = "uni"
PROVIDER_NAME = "Test University"
CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    issuer: str
    client_id: str
    secret: str
    accounts_file: Path
    process: subprocess.Popen
    browser: requests.Session = field(default_factory=requests.Session)

    def set_accounts(self, accounts: list[dict]) -> None:
        """Who exists at the provider: {sub, email, email_verified[, name]}; read at each
        sign-in, so it can change between two."""
        self.accounts_file.write_text(json.dumps(accounts))

    def configure(self, settings) -> None:
        """Make it mentorprep's one provider (pytest-django's `settings` fixture)."""
        settings.SOCIALACCOUNT_PROVIDERS = {
            "openid_connect": {
                "APPS": [
                    oidc_app(PROVIDER_ID, PROVIDER_NAME, self.issuer, self.client_id, self.secret)
                ],
            }
        }

    def forget(self) -> None:
        """A fresh browser at the provider: no provider session, its login page asks again."""
        self.browser = requests.Session()

    def sign_in(
        self,
        client,
        login: str,
        process: str = "login",
        next: str = "",
        cancel: bool = False,
        extra: dict | None = None,
    ):
        """Press the provider's button in mentorprep (Django's test `client`), type `login` on
        the provider's own login page (over HTTP), or press its Cancel link, and bring the
        answer back to mentorprep's callback: the response mentorprep gives there. `extra`:
        more of the button's form fields (the invitation page's time zone)."""
        data = {"process": process, **(extra or {})}
        if next:
            data["next"] = next
        start = client.post(LOGIN, data)
        assert start.status_code == 302, start
        at = self._follow(start["Location"])
        if at.status_code == 200 and cancel:
            abort = unescape(re.search(r'href="([^"]+/abort)"', at.text).group(1))
            at = self._follow(urljoin(self.issuer, abort))
        elif at.status_code == 200 and 'name="login"' in at.text:
            action = unescape(re.search(r'action="([^"]+)"', at.text).group(1))
            at = self.browser.post(
                urljoin(self.issuer, action),
                data={"login": login, "password": "anything"},
                allow_redirects=False,
            )
            at = self._follow_response(at)
        assert at.is_redirect, at.text[:500]
        back = urlsplit(at.headers["Location"])
        assert back.path == CALLBACK, back
        return client.get(f"{back.path}?{back.query}")

    def _follow(self, url: str) -> requests.Response:
        return self._follow_response(self.browser.get(url, allow_redirects=False))

    def _follow_response(self, response: requests.Response) -> requests.Response:
        """Follow the provider's redirects within the provider; stop at one that leaves it."""
        for _ in range(10):
            if not response.is_redirect:
                return response
            target = urljoin(self.issuer, response.headers["Location"])
            if not target.startswith(self.issuer + "/"):
                return response
            response = self.browser.get(target, allow_redirects=False)
        raise AssertionError("too many redirects at the provider")


def start_provider(tmp_path: Path, redirect_base: str, accounts: list[dict]) -> Provider:
    if NODE is None or not (HERE / "node_modules" / "oidc-provider").is_dir():
        message = "node and tests/oidc/node_modules are needed (make test runs npm ci)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    port = _free_port()
    accounts_file = tmp_path / "oidc-accounts.json"
    accounts_file.write_text(json.dumps(accounts))
    client_id, secret = "mentorprep-test", "test-secret-" + os.urandom(8).hex()
    redirect = redirect_base.rstrip("/") + CALLBACK
    process = subprocess.Popen(  # noqa: S603
        [
            NODE,
            str(HERE / "provider.mjs"),
            str(port),
            str(accounts_file),
            client_id,
            secret,
            redirect,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    line = ""
    if selector.select(timeout=20):
        line = process.stdout.readline()
    selector.close()
    if not line.startswith("ready "):
        process.kill()
        process.wait()
        raise RuntimeError(f"the test OIDC provider did not start: {line!r}")
    return Provider(line.split()[1], client_id, secret, accounts_file, process)


def stop_provider(provider: Provider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()
    provider.process.stdout.close()


@pytest.fixture
def oidc(tmp_path, settings):
    """oidc(accounts, redirect_base="http://testserver") -> a running provider, configured as
    mentorprep's one provider ("Test University", id "uni"); stopped after the test."""
    started: list[Provider] = []

    def start(accounts: list[dict], redirect_base: str = "http://testserver") -> Provider:
        provider = start_provider(tmp_path, redirect_base, accounts)
        started.append(provider)
        provider.configure(settings)
        return provider

    yield start
    for provider in started:
        stop_provider(provider)


# A configured provider that is never called: enough for the pages and mails that name it.
UNI = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "uni",
                "name": "Test University",
                "client_id": "c",
                "secret": "s",
                "settings": {"server_url": "https://login.uni.example"},
            }
        ]
    }
}
