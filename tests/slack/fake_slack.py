"""A local fake of the Slack Web API, enough for the app: auth.test, users.lookupByEmail,
conversations.open and chat.postMessage, served over real HTTP on a free port from a thread, so
slack-sdk (in the test or in a `manage.py db_worker` subprocess) talks to it as to Slack.

It records every call (method and parameters, in order), knows a workspace's members by address,
and can be told to answer the next N calls with a 429 and Retry-After, or with a 500.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Call:
    method: str
    params: dict
    token: str
    status: int  # what the fake answered


@dataclass
class _Failure:
    status: int
    retry_after: int | None


@dataclass
class FakeSlack:
    members: dict[str, str] = field(default_factory=dict)  # address -> Slack user id
    calls: list[Call] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # --- set-up ----------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's hook name)
                fake._answer(self, dict(parse_qsl(urlsplit(self.path).query)))

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(body or "{}")
                else:
                    params = dict(parse_qsl(body))
                params |= dict(parse_qsl(urlsplit(self.path).query))
                fake._answer(self, params)

            def log_message(self, *args):  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def add_member(self, email: str, slack_user_id: str) -> None:
        self.members[email.lower()] = slack_user_id

    def fail_next(self, count: int, status: int = 500, retry_after: int | None = None) -> None:
        """Answer the next `count` calls with `status` (429: with Retry-After `retry_after`)."""
        with self._lock:
            self._failures.extend(_Failure(status, retry_after) for _ in range(count))

    # --- what happened ---------------------------------------------------------------------

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [
                c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)
            ]

    def messages(self, slack_user_id: str | None = None) -> list[str]:
        """The texts posted (to one person's direct conversation), in order."""
        return [
            c.params["text"]
            for c in self.calls_to("chat.postMessage")
            if slack_user_id is None or c.params["channel"] == f"D{slack_user_id}"
        ]

    # --- answering -------------------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler, params: dict) -> None:
        method = urlsplit(handler.path).path.rsplit("/", 1)[-1]
        token = handler.headers.get("Authorization", "").removeprefix("Bearer ")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None:
            headers = {}
            if failure.status == 429:
                headers["Retry-After"] = str(failure.retry_after or 1)
                body = {"ok": False, "error": "ratelimited"}
            else:
                body = {"ok": False, "error": "internal_error"}
            self._record(method, params, token, failure.status)
            return self._send(handler, failure.status, body, headers)
        status, body = 200, self._result(method, params, token)
        self._record(method, params, token, status)
        self._send(handler, status, body)

    def _result(self, method: str, params: dict, token: str) -> dict:
        if not token.startswith("xoxb-"):
            return {"ok": False, "error": "not_authed"}
        if method == "auth.test":
            return {"ok": True, "team": "Fake", "team_id": "T0000001", "user_id": "UBOT"}
        if method == "users.lookupByEmail":
            user_id = self.members.get(str(params.get("email", "")).lower())
            if user_id is None:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": user_id, "team_id": "T0000001"}}
        if method == "conversations.open":
            users = str(params.get("users", ""))
            if users not in self.members.values():
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "channel": {"id": f"D{users}"}}
        if method == "chat.postMessage":
            if not str(params.get("channel", "")).startswith("D") or not params.get("text"):
                return {"ok": False, "error": "channel_not_found"}
            return {"ok": True, "channel": params["channel"], "ts": f"{len(self.calls)}.0001"}
        return {"ok": False, "error": "unknown_method"}

    def _record(self, method: str, params: dict, token: str, status: int) -> None:
        with self._lock:
            self.calls.append(Call(method, params, token, status))

    @staticmethod
    def _send(handler, status: int, body: dict, headers: dict | None = None) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)
