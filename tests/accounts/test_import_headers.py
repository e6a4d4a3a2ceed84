"""The CSV import accepts the header row its page shows and the usual spreadsheet variants, and
shows people's names next to their addresses in the dry run and the cadence CSV export."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import importers

ROWS = "ada@example.org,mentor@example.org,7\n"


@pytest.mark.parametrize(
    "header",
    [
        "scholar e-mail, mentor e-mail, cadence days",
        "scholar_email,mentor_email,cadence_days",
        "Scholar email,Mentor email,Cadence",
        "SCHOLAR , Mentor ,  cadence_days ",
        '"Scholar E-mail","Mentor E-mail","Cadence (days)"',
        "\ufeffscholar,mentor,cadence",
        "email,mentor,days",
    ],
)
def test_it_accepts_the_shown_header_and_its_variants(world, header):
    plan = importers.parse(world.program, f"{header}\n{ROWS}")
    assert plan.errors == []
    assert [(r.scholar_email, r.mentor_email, r.cadence_days) for r in plan.rows] == [
        ("ada@example.org", "mentor@example.org", 7)
    ]


def test_a_header_may_reorder_the_columns(world):
    plan = importers.parse(
        world.program, "Mentor,Cadence,Scholar\nmentor@example.org,14,ada@x.org\n"
    )
    assert plan.errors == []
    row = plan.rows[0]
    assert (row.scholar_email, row.mentor_email, row.cadence_days) == (
        "ada@x.org",
        "mentor@example.org",
        14,
    )


def test_a_header_after_blank_lines_is_still_a_header(world):
    plan = importers.parse(world.program, f"\n\nscholar e-mail,mentor e-mail,cadence days\n{ROWS}")
    assert plan.errors == [] and len(plan.rows) == 1


def test_an_unknown_header_is_explained_not_taken_for_addresses(world):
    plan = importers.parse(world.program, f"scholar,supervisor,cadence\n{ROWS}")
    assert len(plan.errors) == 1
    line, reason = plan.errors[0]
    assert line == 1 and "header row" in reason


def test_a_header_only_on_the_first_row(world):
    plan = importers.parse(world.program, f"{ROWS}scholar,mentor,cadence\n")
    assert [line for line, _ in plan.errors] == [2]


def test_the_dry_run_shows_names_next_to_addresses(world):
    world.mentor.display_name = "Grace Mentorname"
    world.mentor.save()
    client = world.client_for(world.staff)
    url = reverse("mentorship_import", args=[world.program.slug])
    content = (
        f"scholar e-mail, mentor e-mail, cadence days\nada@example.org,{world.mentor.email},7\n"
    )
    upload = SimpleUploadedFile("m.csv", content.encode("utf-8-sig"), content_type="text/csv")
    response = client.post(url, {"file": upload, "action": "preview"})
    assert response.status_code == 200
    assert response.context["plan"].errors == []
    body = response.content.decode()
    assert f'Grace Mentorname <small class="muted">{world.mentor.email}</small>' in body
    assert 'ada@example.org <small class="muted">(new)</small>' in body


def test_the_cadence_csv_names_both_people(world):
    world.scholar.display_name = "Ada Lovelace"
    world.scholar.save()
    client = world.client_for(world.staff)
    response = client.get(reverse("cadence_csv", args=[world.program.slug]))
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    mine = next(r for r in rows if r["scholar"] == "scholar")
    assert mine["scholar_name"] == "Ada Lovelace"
    assert mine["scholar_email"] == world.scholar.email
    assert (mine["mentor_name"], mine["mentor_email"]) == ("Mentor", world.mentor.email)
