"""The load test's checks across processes: meeting-mode sync and mail counted once."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from tests.load import processes


def _probe(start, delay, status=201):
    return {"start": start, "delay": delay, "status": status}


def test_answers_seen_late_outside_the_outage_fail_and_inside_are_excused():
    probes = [
        _probe(100.0, 0.2),
        _probe(110.0, None),  # during the outage (110–115): excused
        _probe(108.0, None),  # started before it, gave up inside it: excused
        _probe(130.0, 2.5),  # late, outside
        _probe(140.0, None, status=503),  # not even saved, outside
    ]
    summary = processes.sync_summary(probes, (110.0, 115.0))
    assert summary["outside_outage"] == 3
    assert summary["late_outside"] == 2
    assert summary["max_delay"] == 2.5
    assert [late["status"] for late in summary["late"]] == [201, 503]
    assert processes.sync_summary(probes[:1], None)["late_outside"] == 0


def test_the_sink_counts_every_mail_with_its_subject():
    sink = processes.MailSink()
    envelope = SimpleNamespace(
        rcpt_tos=["mentor@example.org"],
        content=b"From: a@example.org\r\nSubject: Brief updated\r\n\r\nBody",
    )
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(asyncio.run, sink.handle_DATA(None, None, envelope)).result()
    assert answer.startswith("250")
    assert sink.mails == [(("mentor@example.org",), "Brief updated")]
