"""Malformed ids and CSV files get a clear answer (400, 404, a form error or the filter ignored),
never a server error. Run these on PostgreSQL too: SQLite silently accepts integers that do
not fit a database column, PostgreSQL refuses them.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter

from accounts.models import Mentorship
from config.ids import IdConverter, parse_id
from meetings.models import Annotation
from tests.factories import QuestionFactory

HUGE = "9" * 20  # does not fit a 64-bit integer
LONGEST = "9" * 18
NOT_IDS = ["²", "¹²", "٣", "1_000", " 1", "1 ", "+1", "-1", "0x1", "1.0", "", HUGE, "1" + LONGEST]


# --- The parse helper ------------------------------------------------------------------------


@pytest.mark.parametrize("value", NOT_IDS + [None])
def test_it_parses_nothing_but_plain_digits_as_an_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(
    "value,expected", [("0", 0), ("42", 42), ("007", 7), (LONGEST, 10**18 - 1)]
)
def test_it_parses_ascii_digits_as_an_id(value, expected):
    assert parse_id(value) == expected


# --- Posted ids ------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["²", HUGE])
def test_it_refuses_a_question_order_that_is_not_ids(world, bad):
    a, b = (QuestionFactory(agenda=world.agenda, rank=i) for i in (2, 3))
    before = list(world.agenda.questions.values_list("pk", flat=True))
    response = world.htmx_client_for(world.scholar).post(
        reverse("question_reorder", args=[world.meeting.pk]), {"order": [b.pk, bad, a.pk]}
    )
    assert response.status_code == 400
    assert list(world.agenda.questions.values_list("pk", flat=True)) == before


@pytest.mark.parametrize("bad", ["²", HUGE, "abc"])
def test_it_refuses_a_comment_on_a_question_that_is_not_an_id(world, bad):
    response = world.htmx_client_for(world.mentor).post(
        reverse("annotation_add", args=[world.meeting.pk]),
        {"question": bad, "body": "Good question"},
    )
    assert response.status_code == 400
    assert not Annotation.objects.exists()


# --- Ids in the address and the query string -------------------------------------------------


def _routes(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if not route.startswith("admin/"):
                yield from _routes(entry, route)
        else:
            yield entry.name, route, entry.pattern.converters


def test_it_takes_every_id_in_an_address_through_the_id_converter():
    converters = {
        (name, kwarg): type(c) for name, _, conv in _routes() for kwarg, c in conv.items()
    }
    ids = {key: kind for key, kind in converters.items() if key[1] in ("pk", "item_pk", "user_id")}
    assert len(ids) > 20
    assert {key for key, kind in ids.items() if kind is not IdConverter} == set()
    assert {key for key, kind in converters.items() if kind is IntConverter} == set()


PEOPLE_PAGES = [
    ("history", "scholar", "get", "/scholars/{id}/history/"),
    ("private_note_save", "mentor", "post", "/scholars/{id}/private-note/"),
    ("scholar_summary", "staff", "get", "/programs/winter/scholars/{id}/"),
    ("mentor_summary", "staff", "get", "/programs/winter/mentors/{id}/"),
    ("user_delete", "staff", "get", "/programs/winter/people/{id}/delete/"),
]


@pytest.mark.parametrize("user_id", [HUGE, "1" + LONGEST])
@pytest.mark.parametrize("name,role,method,route", PEOPLE_PAGES, ids=[p[0] for p in PEOPLE_PAGES])
def test_it_answers_404_to_a_person_id_too_long_for_the_database(
    world, name, role, method, route, user_id
):
    # The same address with a real id reaches the view: the route is right.
    ok_url = route.format(id=world.scholar.pk if name != "mentor_summary" else world.mentor.pk)
    assert resolve(ok_url).url_name == name
    response = getattr(world.client_for(getattr(world, role)), method)(route.format(id=user_id))
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "route",
    [
        "/meetings/{id}/",
        "/meetings/{id}/agenda/",
        "/meetings/{id}/brief/",
        "/questions/{id}/edit/",
        "/annotations/{id}/edit/",
        "/actions/{id}/toggle/",
    ],
)
def test_it_answers_404_to_an_object_id_too_long_for_the_database(world, route, method):
    response = getattr(world.client_for(world.scholar), method)(route.format(id=HUGE))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["cadence", "cadence_csv"])
@pytest.mark.parametrize("mentor", ["²", "٣", HUGE, "1" + LONGEST])
def test_it_ignores_a_mentor_filter_that_is_not_an_id(world, name, mentor):
    url = reverse(name, args=[world.program.slug])
    everyone = world.client_for(world.staff).get(url)
    filtered = world.client_for(world.staff).get(url, {"mentor": mentor, "page": HUGE})
    assert filtered.status_code == 200
    if name == "cadence_csv":
        assert filtered.getvalue() == everyone.getvalue()  # a streamed download
    else:
        assert world.scholar.username in filtered.content.decode()


def test_it_still_filters_the_cadence_by_a_mentor(world):
    url = reverse("cadence_csv", args=[world.program.slug])
    response = world.client_for(world.staff).get(url, {"mentor": world.other_mentor.pk})
    lines = response.getvalue().decode().strip().splitlines()
    assert len(lines) == 2 and "othermentor" in lines[1]


# --- CSV import ------------------------------------------------------------------------------


def _import(world, **data):
    url = reverse("mentorship_import", args=[world.program.slug])
    return world.client_for(world.staff).post(url, {"action": "preview", **data})


def test_it_reports_a_csv_field_too_long_to_read(world):
    response = _import(world, text=f'"{"x" * 140_000}",b@example.org,7\n')
    assert response.status_code == 200
    assert "too long" in response.content.decode()


@pytest.mark.parametrize(
    "header",
    [
        "scholar e-mail, mentor e-mail, cadence days",
        "Scholar E-mail,Mentor E-mail,Cadence Days",
        "scholar_email,mentor_email,cadence_days",
        "scholar email,mentor email,cadence",
        "email,mentor,cadence",
        "SCHOLAR,MENTOR,DAYS",
    ],
)
@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_it_reads_a_pasted_csv_with_the_header_the_page_shows(world, header, bom):
    response = _import(world, text=f"{bom}{header}\nnew@example.org,mentor@example.org,14\n")
    page = response.content.decode()
    assert "to fix" not in page, page
    assert "1 new mentorship" in page and "new@example.org" in page


@pytest.mark.parametrize("encoding,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_it_reads_an_uploaded_csv_that_starts_with_a_byte_order_mark(world, encoding, bom):
    text = (
        "scholar e-mail, mentor e-mail, cadence days\r\nnew@example.org,mentor@example.org,14\r\n"
    )
    upload = SimpleUploadedFile("rows.csv", bom + text.encode(encoding), "text/csv")
    page = _import(world, file=upload).content.decode()
    assert "to fix" not in page, page
    assert "1 new mentorship" in page


def test_it_reads_an_uploaded_csv_with_old_mac_line_ends(world):
    upload = SimpleUploadedFile(
        "rows.csv",
        b"new@example.org,mentor@example.org,14\rsecond@example.org,mentor@example.org,7",
    )
    page = _import(world, file=upload).content.decode()
    assert "2 new mentorships" in page


def test_it_refuses_an_upload_that_is_not_text(world):
    upload = SimpleUploadedFile("rows.xlsx", b"PK\x03\x04\xff\x00\x9c")
    response = _import(world, file=upload)
    assert response.status_code == 200
    assert "not UTF-8 text" in response.content.decode()


def test_it_still_reads_a_csv_without_a_header(world):
    page = _import(world, text="new@example.org,mentor@example.org,14").content.decode()
    assert "1 new mentorship" in page
    assert not Mentorship.objects.filter(scholar__email="new@example.org").exists()


@pytest.mark.parametrize("mentorship", ["²", HUGE, "abc"])
def test_it_ignores_a_preselected_mentorship_that_is_not_an_id(world, mentorship):
    url = reverse("meeting_new")
    response = world.client_for(world.mentor).get(url, {"mentorship": mentorship})
    assert response.status_code == 200
