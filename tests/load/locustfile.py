"""Locust users for mentorprep: scholars, mentors and staff doing what they do, over real HTTP.

Run through `python -m tests.load.run`, which prepares the data, writes the plan file and starts
the server. By hand:

    MENTORPREP_LOAD_PLAN=plan.json MENTORPREP_LOAD_LOG_DIR=logs/ \\
        locust -f tests/load/locustfile.py --headless -u 50 -r 10 -t 60s --host http://…

Scholars autosave their draft agenda through the real endpoint with the fields, version and htmx
headers of static/js/agenda.js; a 409 (saved meanwhile elsewhere) is a conflict the scholar
settles by loading the saved version, not a failure. Every write the server acknowledges goes to
a JSON-lines log so the runner can check that the database has it.
"""

from __future__ import annotations

import itertools
import os
import random
import sys
import time
from pathlib import Path

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project, for tests.load

from tests.load.common import (  # noqa: E402
    CONFLICT_VERSION,
    LOG_ENV,
    PLAN_ENV,
    EventLog,
    autosave_data,
    htmx_headers,
    load_plan,
    marker,
    read_version,
)

PLAN = load_plan(os.environ[PLAN_ENV]) if os.environ.get(PLAN_ENV) else None
LOG = EventLog(os.environ[LOG_ENV]) if os.environ.get(LOG_ENV) else None
# Each new user of a role takes the next target of that role (cycling when there are more users).
_next_host = itertools.count()
_next_scholar = itertools.count()
_next_mentor = itertools.count()
_next_staff = itertools.count()
conflicts = 0


@events.request.add_listener
def _log_request(request_type, name, response_time, response, exception, **kwargs) -> None:
    if LOG is None:
        return
    status = getattr(response, "status_code", 0) or 0
    start = kwargs.get("start_time") or time.time() - response_time / 1000
    LOG.request(name, start, response_time, status, exception is None)


def _plan():
    if PLAN is None:
        raise RuntimeError(f"Set {PLAN_ENV} to the plan file (python -m tests.load.run does).")
    return PLAN


class LoggedInUser(HttpUser):
    """A browser with a session: logs in like a person (again, when the session is lost)."""

    abstract = True
    username = ""
    logged_in = False

    def on_start(self) -> None:
        """Users are spread over the instances in turn, as a load balancer would (the runner
        lists them in the plan); a user stays on its instance, whose session works on the
        others too (sessions live in the shared database)."""
        hosts = _plan().extra.get("hosts")
        if hosts:
            self.client.base_url = hosts[next(_next_host) % len(hosts)]

    def log_in(self) -> bool:
        self.client.get("/accounts/login/", name="login page")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": _plan().password,
                "csrfmiddlewaretoken": self.csrf_token(),
            },
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            self.logged_in = response.status_code == 302 and "sessionid" in self.client.cookies
            if not self.logged_in:
                response.failure(f"{self.username} could not log in ({response.status_code})")
        return self.logged_in

    def ready(self) -> bool:
        """Logged in, or logging in now (a login lost in the outage is tried again)."""
        return self.logged_in or self.log_in()

    def csrf_token(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def logged_out(self, response) -> bool:
        """401 from the htmx endpoints, or a redirect to the login page from the others."""
        if response.status_code == 401 or "/accounts/login/" in (response.url or ""):
            self.logged_in = False
            response.failure("not logged in")
            return True
        return False

    def get(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            self.logged_out(response)
        return response

    def post_htmx(self, path: str, data: dict, target: str, name: str):
        headers = htmx_headers(f"{self.client.base_url}{path}", self.csrf_token(), target)
        return self.client.post(path, data=data, headers=headers, name=name, catch_response=True)


class Scholar(LoggedInUser):
    weight = 6
    wait_time = between(0.05, 0.25)  # typing between autosaves

    def on_start(self) -> None:
        super().on_start()
        plan = _plan()
        self.target = plan.scholars[next(_next_scholar) % len(plan.scholars)]
        self.page = f"/meetings/{self.target.meeting}/agenda/"
        self.username = self.target.username
        self.version: int | None = None
        if self.log_in():
            self.open_agenda()

    @task(2)
    def open_agenda(self) -> None:
        """Open (or reload) the agenda page: what the scholar sees is the saved version."""
        if not self.ready():
            return
        response = self.get(self.page, name="agenda page")
        if response.status_code == 200 and self.logged_in:
            self.version = read_version(response.text) or self.version

    @task(10)
    def autosave(self) -> None:
        if not self.ready():
            return
        if self.version is None:
            self.open_agenda()
            return
        text = marker(self.target.username)
        data = autosave_data(self.version, text)
        if LOG:
            LOG.write("autosave-sent", meeting=self.target.meeting, marker=text)
        with self.post_htmx(
            f"{self.page}autosave/", data, "autosave-status", "autosave"
        ) as response:
            if self.logged_out(response):
                return
            if response.status_code == 200:
                version = read_version(response.text)
                if version is None:
                    response.failure("a saved autosave without its new version")
                    return
                self.version = version
                if LOG:
                    LOG.write("autosave", meeting=self.target.meeting, version=version, marker=text)
            elif response.status_code == 409:
                # Saved meanwhile (in this load: an earlier save whose answer was lost). Not an
                # error: the scholar loads the saved version and carries on from there.
                global conflicts
                conflicts += 1
                response.success()
                if LOG:
                    LOG.write("conflict", meeting=self.target.meeting)
                self.version = read_version(response.text, CONFLICT_VERSION)
                self.open_agenda()
            else:
                response.failure(f"autosave answered {response.status_code}")

    @task(1)
    def add_question(self) -> None:
        self._add_question(self.target.meeting, "add question")

    @task(1)
    def add_question_to_brief(self) -> None:
        """A question added to the submitted brief: the mentor is mailed "brief updated" (once
        per read of theirs: the mail's task claims it, whichever worker runs it)."""
        brief = _plan().extra.get("briefs", {}).get(self.target.username)
        if brief:
            self._add_question(brief, "add question to brief")

    def _add_question(self, meeting: int, name: str) -> None:
        if not self.ready():
            return
        text = f"Question {marker(self.target.username)}?"
        with self.post_htmx(
            f"/meetings/{meeting}/questions/", {"text": text}, "questions", name
        ) as response:
            # The answer is the question list as stored: the new question in it is the ack.
            if self.logged_out(response):
                return
            if response.status_code == 200 and text in response.text:
                if LOG:
                    LOG.write("question", meeting=meeting, text=text)
            elif response.ok:
                response.failure("the question list came back without the new question")


class Mentor(LoggedInUser):
    weight = 3
    wait_time = between(0.1, 0.4)  # reading

    def on_start(self) -> None:
        super().on_start()
        plan = _plan()
        self.target = plan.mentors[next(_next_mentor) % len(plan.mentors)]
        self.username = self.target.username
        self.log_in()

    @task(3)
    def read_brief(self) -> None:
        if self.ready():
            meeting, _scholar = random.choice(self.target.briefs)
            self.get(f"/meetings/{meeting}/brief/", name="brief")

    @task(1)
    def comment(self) -> None:
        if not self.ready():
            return
        meeting, _scholar = random.choice(self.target.briefs)
        body = f"Comment {marker(self.target.username)}"
        with self.post_htmx(
            f"/meetings/{meeting}/annotations/",
            {"body": body, "section": "general"},
            "annotations",
            "comment",
        ) as response:
            if self.logged_out(response):
                return
            if response.status_code == 200 and body in response.text:
                if LOG:
                    LOG.write("comment", meeting=meeting, text=body)
            elif response.ok:
                response.failure("the comments came back without the new comment")

    @task(1)
    def open_history(self) -> None:
        if self.ready():
            _meeting, scholar = random.choice(self.target.briefs)
            self.get(f"/scholars/{scholar}/history/", name="history")


class Staff(LoggedInUser):
    weight = 1
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        super().on_start()
        plan = _plan()
        self.username = plan.staff[next(_next_staff) % len(plan.staff)]
        self.log_in()

    @task
    def cadence(self) -> None:
        if self.ready():
            self.get(f"/programs/{_plan().program}/cadence/", name="cadence")


@events.quitting.add_listener
def _report_conflicts(environment, **kwargs) -> None:
    print(f"autosave conflicts (409, settled by reloading): {conflicts}", file=sys.stderr)
