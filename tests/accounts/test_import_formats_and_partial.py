"""The CSV import reads the separators spreadsheets write (comma, semicolon, tab), previews the
good rows of a file that also has bad ones and can import them leaving exactly the listed bad
lines out, and says "1 mentorship already exists", "2 mentorships already exist"."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import importers
from accounts.models import Mentorship, User
from tests.factories import MentorshipFactory, UserFactory


def _post(world, content: str, action: str = "preview", **extra):
    client = world.client_for(world.staff)
    url = reverse("mentorship_import", args=[world.program.slug])
    upload = SimpleUploadedFile("m.csv", content.encode("utf-8-sig"), content_type="text/csv")
    return client.post(url, {"file": upload, "action": action, **extra})


def _pairs(plan):
    return [(r.scholar_email, r.mentor_email, r.cadence_days) for r in plan.rows]


@pytest.mark.parametrize(
    "content",
    [
        # Excel in a locale whose decimal separator is a comma
        "Scholar e-mail;Mentor e-mail;Cadence days\r\nada@example.org;mentor@example.org;7\r\n"
        "bob@example.org;mentor@example.org;14\r\n",
        "ada@example.org;mentor@example.org;7\nbob@example.org;mentor@example.org;14\n",
        # Excel's "Text (tab-delimited)"
        "ada@example.org\tmentor@example.org\t7\nbob@example.org\tmentor@example.org\t14\n",
        # quoted cells, as some exporters write them
        '"ada@example.org";"mentor@example.org";"7"\n"bob@example.org";"mentor@example.org";14\n',
    ],
)
def test_it_reads_semicolon_and_tab_separated_files(world, content):
    plan = importers.parse(world.program, content)
    assert plan.errors == []
    assert _pairs(plan) == [
        ("ada@example.org", "mentor@example.org", 7),
        ("bob@example.org", "mentor@example.org", 14),
    ]


def test_a_semicolon_file_with_a_bad_row_is_still_read_by_semicolons(world):
    # Rows that disagree defeat the csv module's guess: the separator of most lines is taken.
    content = (
        "ada@example.org;mentor@example.org;7\nbad-row;mentor@example.org\n"
        "bob@example.org;mentor@example.org;14\n"
    )
    plan = importers.parse(world.program, content)
    assert _pairs(plan) == [
        ("ada@example.org", "mentor@example.org", 7),
        ("bob@example.org", "mentor@example.org", 14),
    ]
    assert [line for line, _ in plan.errors] == [2]
    assert "expected 3 columns" in plan.errors[0][1] and "got 2" in plan.errors[0][1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ada@example.org", ","),
        ("", ","),
        ("a@x.org;b@x.org;7\nc@x.org;d@x.org\ne@x.org,f@x.org", ";"),
        ("a@x.org;b@x.org;7\nc@x.org,d@x.org,e@x.org", ","),  # a tie: the comma
        ("a@x.org,b@x.org\nc@x.org;d@x.org", ","),
    ],
)
def test_the_separator_falls_back_to_the_most_common_then_the_comma(text, expected):
    assert importers.delimiter(text) == expected


BAD_AND_GOOD = (
    "ada@example.org,mentor@example.org,7\n"
    "not-an-email,mentor@example.org,7\n"
    "grace@example.org,mentor@example.org,14\n"
    "bob@example.org,mentor@example.org,zero\n"
)


def test_a_file_with_bad_rows_previews_the_good_ones_and_says_what_would_be_left_out(world):
    before = Mentorship.objects.count(), User.objects.count()
    response = _post(world, BAD_AND_GOOD)
    body = response.content.decode()
    assert "2 rows to fix — nothing was imported" in body
    assert "2 other rows are fine" in body
    assert "Dry run: what importing the other 2 rows will do, leaving out lines 2, 4" in body
    assert "ada@example.org, grace@example.org" in body  # the new people of the good rows
    assert 'id="import-rows"' in body
    assert "Import 2 mentorships without lines 2, 4, and send invitations" in body
    assert 'name="left_out" value="2, 4"' in body
    assert (Mentorship.objects.count(), User.objects.count()) == before


def test_the_good_rows_are_imported_leaving_out_the_bad_lines(world):
    response = _post(world, BAD_AND_GOOD, "import_valid", left_out="2, 4")
    assert response.status_code == 302
    imported = set(
        Mentorship.objects.filter(program=world.program, mentor=world.mentor).values_list(
            "scholar__email", "cadence_days"
        )
    )
    assert {("ada@example.org", 7), ("grace@example.org", 14)} <= imported
    assert not User.objects.filter(email="bob@example.org").exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message == "Imported 2 mentorships; invited 2 new people; lines 2, 4 left out."


@pytest.mark.parametrize(
    ("action", "left_out"),
    [("import", ""), ("import_valid", "2"), ("import_valid", "2, 4, 5"), ("import_valid", "")],
)
def test_nothing_is_imported_unless_exactly_the_listed_lines_are_left_out(world, action, left_out):
    before = Mentorship.objects.count(), User.objects.count()
    response = _post(world, BAD_AND_GOOD, action, left_out=left_out)
    assert response.status_code == 200
    assert (Mentorship.objects.count(), User.objects.count()) == before


def test_a_header_that_cannot_be_read_leaves_nothing_to_import(world):
    # The column order is unknown: the rows below it cannot be trusted.
    content = "mentor,supervisor,cadence\nada@example.org,mentor@example.org,7\n"
    body = _post(world, content).content.decode()
    assert "Fix it and preview again." in body
    assert "import_valid" not in body and "Dry run" not in body
    response = _post(world, content, "import_valid", left_out="1")
    assert response.status_code == 200
    assert not User.objects.filter(email="ada@example.org").exists()


def test_a_one_line_message_for_a_single_bad_row(world):
    body = _post(world, "ada@example.org,mentor@example.org,7\ntoo,few\n").content.decode()
    assert "1 row to fix" in body
    assert "1 other row is fine: below is what importing it would do" in body
    assert "import without it: line 2 will then not be imported" in body
    assert "Import 1 mentorship without line 2, and send invitations" in body


def test_unchanged_mentorships_are_counted_in_good_english(world):
    one = f"{world.scholar.email},{world.mentor.email},7\nada@example.org,{world.mentor.email},7\n"
    body = _post(world, one).content.decode()
    assert "1 mentorship already exists and stays unchanged" in body

    second = UserFactory(email="second@example.org")
    MentorshipFactory(program=world.program, scholar=second, mentor=world.mentor)
    two = one + f"{second.email},{world.mentor.email},7\n"
    body = _post(world, two).content.decode()
    assert "2 mentorships already exist and stay unchanged" in body
