"""The fake Slack workspace (fake_slack.py), with the site's bot token pointing at it."""

import pytest

from tests.factories import SlackConnectionFactory

from .fake_slack import FakeSlack

TOKEN = "xoxb-test-token"


@pytest.fixture
def fake_slack(settings):
    fake = FakeSlack().start()
    settings.SLACK_BOT_TOKEN = TOKEN
    settings.SLACK_API_URL = fake.url
    settings.SITE_URL = "https://mentorprep.example"
    yield fake
    fake.stop()


def connect(fake: FakeSlack, user, **choices):
    """A confirmed link for `user`, known to the fake workspace (choices: slack_<name>=False)."""
    connection = SlackConnectionFactory(user=user, **choices)
    fake.add_member(user.email, connection.slack_user_id)
    return connection


@pytest.fixture
def db_tasks(settings):
    """Tasks stored in the database and run by the worker, as outside the tests."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
