"""tests.perf.served reads wrk's figures and judges them; the serving itself is run by hand."""

import subprocess

import pytest

from tests.perf import served

WRK_OUT = """Running 2s test @ http://127.0.0.1:1/
  2 threads and 20 connections
  {n} requests in 2.00s, 1.13MB read
{extra}Requests/sec:    {rate}
Transfer/sec:    375.86KB
"""


def _wrk(monkeypatch, **fill) -> tuple[float, served.Page]:
    text = WRK_OUT.format(**{"n": 40, "extra": "", "rate": "20.50", **fill})
    monkeypatch.setattr(
        served.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=text, stderr=""),
    )
    monkeypatch.setattr(served, "drain", lambda port, path: None)
    page = served.Page("brief", "/b/", cookie="abc", htmx=True)
    return served.wrk(1, page, 2, 20), page


def test_it_reads_the_rate_and_sends_the_session_cookie(monkeypatch):
    rate, page = _wrk(monkeypatch)
    assert rate == 20.5 and page.problems == []
    assert page.headers() == {"Cookie": "sessionid=abc", "HX-Request": "true"}


@pytest.mark.parametrize(
    ("fill", "problem"),
    [
        ({"extra": "  Non-2xx or 3xx responses: 3\n"}, "3 non-2xx answers"),
        ({"extra": "  Socket errors: connect 0, read 0, write 0, timeout 2\n"}, "socket errors"),
        ({"n": 0, "rate": "0.00"}, "no request finished"),
    ],
)
def test_a_bad_answer_fails_the_page(monkeypatch, fill, problem):
    _rate, page = _wrk(monkeypatch, **fill)
    assert problem in page.problems[0]
    page.shares = [1.0]
    assert served.passed(page) is False


def test_closed_connections_of_sync_workers_are_not_errors(monkeypatch):
    _rate, page = _wrk(
        monkeypatch, extra="  Socket errors: connect 0, read 35, write 0, timeout 0\n"
    )
    assert page.problems == []


def test_a_page_passes_at_its_target_share():
    page = served.Page("brief", "/")
    page.shares = [0.02, 0.03]  # mean 0.025, the brief's target
    assert served.passed(page) is True
    page.shares = [0.02, 0.0299]
    assert served.passed(page) is False
    assert served.passed(served.Page("meeting-mode poll", "/")) is None  # shown, no target
