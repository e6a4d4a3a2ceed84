"""Every main page, as each role, at desktop and phone width: axe-core finds no serious or
critical violation, and nothing is wider than the viewport.

The data is demo-like (several scholars, held meetings with answers, comments, notes and action
items, a submitted brief that was edited after submitting) so the pages show everything they can.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ResearchManagerAssignment, User
from meetings.agendas import domain as agendas
from meetings.briefs import domain as briefs
from meetings.models import (
    Agenda,
    GrowthSharing,
    HelpAsked,
    Meeting,
    MentorPrivateNote,
    Question,
    ReadingEntry,
    Recap,
)
from meetings.plans import domain as plans
from tests.factories import (
    ActionItemFactory,
    AgendaFactory,
    AnnotationFactory,
    MeetingFactory,
    MeetingNoteFactory,
    MentorshipFactory,
    ProgramFactory,
    QuestionFactory,
    SubmittedAgendaFactory,
    UserFactory,
)

from .conftest import axe_violations

WIDTHS = {"desktop": 1280, "phone": 390}

# What the page may not be wider than, and the elements that stick out past the right edge
# (most specific first: an element whose children all fit is the one to fix).
OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (typeof el.className === "string" && el.className.trim())
      s += "." + el.className.trim().split(/\\s+/).join(".");
    return s;
  };
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement)
      parts.unshift(name(e));
    return parts.join(" > ");
  };
  const inScroller = (el) => {
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const overflow = getComputedStyle(e).overflowX;
      if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return true;
    }
    return false;
  };
  const outside = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5) outside.push(el);
  }
  const scrollWidth = document.documentElement.scrollWidth;
  // Inside a scroll container is fine, unless the page grew all the same (e.g. an absolutely
  // positioned element escaping its scroller): then every element past the edge is a suspect.
  let wide = outside.filter((el) => !inScroller(el));
  if (!wide.length && scrollWidth > width) wide = outside;
  return {
    scrollWidth: scrollWidth,
    innerWidth: width,
    wide: wide.reverse().slice(0, 8).map(
      (el) => path(el) + " (right edge " + Math.round(el.getBoundingClientRect().right) + "px)"
    ),
  };
}"""


@dataclass
class Demo:
    scholar: User
    mentor: User
    staff: User
    program_slug: str
    meeting: Meeting  # the scholar's next meeting, brief submitted and edited since
    stuck: User  # Tom: his next agenda names the same bottleneck again (the stuck prompt)
    stuck_meeting: Meeting
    peer: User  # Grace: got past a similar bottleneck; Tom listed her as someone he asked


def _held_meeting(mentorship, weeks_ago: int, answered: bool) -> None:
    when = timezone.now() - timedelta(weeks=weeks_ago)
    meeting = MeetingFactory(
        mentorship=mentorship,
        scheduled_at=when,
        status=Meeting.Status.HELD,
        held_at=when + timedelta(minutes=30),
    )
    agenda = SubmittedAgendaFactory(
        meeting=meeting,
        bottleneck="My sparse-autoencoder results don't replicate across seeds; debug or change?",
        tried="Reran with 5 seeds, asked **Priya** in the reading group.",
        wellbeing_energy=4,
        wellbeing_note="Good week!",
        wellbeing_visibility=Agenda.Visibility.BOTH,
    )
    first = QuestionFactory(
        agenda=agenda, text="Is a 2-point gain over baseline worth writing up?", rank=1
    )
    if answered:
        first.answer = "Short answer: yes, but check the variance first."
        first.status, first.answered_by, first.answered_at = (
            Question.Status.RESOLVED,
            mentorship.mentor,
            when,
        )
        first.save()
    QuestionFactory(agenda=agenda, text="Which ablation would convince a reviewer most?", rank=2)
    AnnotationFactory(agenda=agenda, body="Let's start here. I think it's the warm-up.")
    MeetingNoteFactory(meeting=meeting, kind="decision", body="Keep the setup one more week.")
    ActionItemFactory(
        mentorship=mentorship,
        meeting=meeting,
        text="Rerun the main experiment with 3 more seeds",
        done=True,
        done_at=when + timedelta(days=3),
        due_on=(when + timedelta(days=6)).date(),
    )


def _demo() -> Demo:
    staff = UserFactory(username="staff1", display_name="Sam Okafor")
    program = ProgramFactory(name="Winter 2027", slug="winter-2027", staff=[staff])
    mentor = UserFactory(username="mentor1", display_name="Dr. Maya Chen")
    other_mentor = UserFactory(username="mentor2", display_name="Prof. Lars Eriksen")
    names = ["Ana Lima", "Ravi Iyer", "Tom Becker", "Yuki Tanaka", "Grace Mensah"]
    mentorships = []
    for i, name in enumerate(names):
        scholar = UserFactory(username=f"scholar{i + 1}", display_name=name)
        mentorships.append(
            MentorshipFactory(
                program=program,
                scholar=scholar,
                mentor=mentor if i < 4 else other_mentor,
                cadence_days=7 if i % 2 == 0 else 14,
            )
        )
        ResearchManagerAssignment.objects.create(program=program, manager=staff, scholar=scholar)
    for i, mentorship in enumerate(mentorships):
        for weeks_ago in range(1 + i, 6 + i, 2):
            _held_meeting(mentorship, weeks_ago, answered=weeks_ago % 2 == 1)
        MeetingFactory(
            mentorship=mentorship,
            scheduled_at=timezone.now() - timedelta(weeks=2 + i, days=1),
            status=Meeting.Status.CANCELLED,
        )
    for mentorship in mentorships[1:3]:
        MeetingFactory(mentorship=mentorship, scheduled_at=timezone.now() + timedelta(days=3))
    tom, grace = mentorships[2], mentorships[4]
    stuck_meeting = tom.meetings.get(status=Meeting.Status.PLANNED)
    AgendaFactory(
        meeting=stuck_meeting, bottleneck="Still: my sparse-autoencoder results don't replicate."
    )
    solved = grace.meetings.filter(status=Meeting.Status.HELD).latest("scheduled_at").agenda
    solved.bottleneck_shared, solved.bottleneck_shared_at = True, timezone.now()
    solved.bottleneck_resolved_at = timezone.now()
    solved.bottleneck_resolution = "Fixed the data order; averaged over five seeds"
    solved.save()
    asked_on = tom.meetings.filter(status=Meeting.Status.HELD).latest("scheduled_at").agenda
    HelpAsked.objects.create(agenda=asked_on, kind="peer", peer=grace.scholar, outcome="Helped.")

    ana = mentorships[0]
    meeting = MeetingFactory(mentorship=ana, scheduled_at=timezone.now() + timedelta(days=2))
    agenda = SubmittedAgendaFactory(meeting=meeting)
    QuestionFactory(agenda=agenda, text="Should I switch to the larger model now?", rank=1)
    answered = QuestionFactory(
        agenda=agenda, text="Is my evaluation metric measuring what I think it is?", rank=2
    )
    briefs.answer(answered, ana.mentor, Question.Status.ANSWERED, "Mostly; add a held-out set.")
    QuestionFactory(agenda=agenda, text="Who else works on this?", rank=3)
    AnnotationFactory(agenda=agenda, body="Bring the plot, please.")
    AnnotationFactory(agenda=agenda, section="question", question=answered, body="See my answer.")
    agenda.refresh_from_db()
    agendas.save_fields(
        agenda, {"asks": "A decision on the next experiment, and feedback."}, agenda.version
    )
    ActionItemFactory(mentorship=ana, text="Send the draft intro to the mentor")
    ActionItemFactory(
        mentorship=ana, text="Share compute-budget contact", owner="mentor", due_on=None
    )
    MentorPrivateNote.objects.create(mentor=ana.mentor, scholar=ana.scholar, text="Likes plots.")
    plans.save_plan(ana.scholar, "A benchmark for probe faithfulness.", "Better evals.", None)
    plans.add_milestone(ana.scholar, "Dataset ready", timezone.localdate() + timedelta(days=9))
    plans.add_milestone(ana.scholar, "Baseline probes", None).agendas.add(agenda)
    # the end-of-program report: a recap and a reading, shared with the mentor
    last_held = Meeting.objects.held().filter(mentorship=ana).first()
    Recap.objects.create(
        meeting=last_held,
        takeaway="Variance first, then the write-up.",
        next_steps="Three more seeds.",
        correction="And plot the spread.",
        confirmed_by=ana.mentor,
        confirmed_at=timezone.now(),
    )
    ReadingEntry.objects.create(
        scholar=ana.scholar, title="Towards Monosemanticity", takeaway="Dictionary learning scales."
    )
    GrowthSharing.objects.create(scholar=ana.scholar, leading=True, unstuck=True, report=True)
    return Demo(
        ana.scholar, mentor, staff, program.slug, meeting, tom.scholar, stuck_meeting, grace.scholar
    )


# role, page name, the URL from the demo data
PAGES = [
    ("scholar", "home", lambda d: reverse("home")),
    ("scholar", "agenda edit", lambda d: reverse("agenda", args=[d.meeting.pk])),
    ("scholar", "brief", lambda d: reverse("brief", args=[d.meeting.pk])),
    ("scholar", "history", lambda d: reverse("history", args=[d.scholar.pk])),
    ("scholar", "settings", lambda d: reverse("settings")),
    ("scholar", "changes", lambda d: reverse("agenda_revisions", args=[d.meeting.pk])),
    ("mentor", "home", lambda d: reverse("home")),
    ("mentor", "brief", lambda d: reverse("brief", args=[d.meeting.pk])),
    ("mentor", "history", lambda d: reverse("history", args=[d.scholar.pk])),
    ("mentor", "new meeting", lambda d: reverse("meeting_new")),
    ("mentor", "settings", lambda d: reverse("settings")),
    ("staff", "cadence", lambda d: reverse("cadence", args=[d.program_slug])),
    (
        "staff",
        "scholar summary",
        lambda d: reverse("scholar_summary", args=[d.program_slug, d.scholar.pk]),
    ),
    (
        "staff",
        "mentor summary",
        lambda d: reverse("mentor_summary", args=[d.program_slug, d.mentor.pk]),
    ),
    ("staff", "people", lambda d: reverse("program_people", args=[d.program_slug])),
    ("staff", "import", lambda d: reverse("mentorship_import", args=[d.program_slug])),
    ("staff", "import preview", lambda d: reverse("mentorship_import", args=[d.program_slug])),
    ("staff", "research manager", lambda d: reverse("managed_scholars", args=[d.program_slug])),
    ("scholar", "research plan", lambda d: reverse("plan", args=[d.scholar.pk])),
    ("scholar", "reading", lambda d: reverse("reading", args=[d.scholar.pk])),
    ("scholar", "peer board", lambda d: reverse("peer_board", args=[d.program_slug])),
    ("stuck", "stuck prompt", lambda d: reverse("agenda", args=[d.stuck_meeting.pk])),
    ("peer", "you were asked", lambda d: reverse("home")),
    ("scholar", "search", lambda d: reverse("history_search", args=[d.scholar.pk]) + "?q=plot"),
    ("scholar", "meeting mode", lambda d: reverse("live", args=[d.meeting.pk])),
    ("mentor", "research plan", lambda d: reverse("plan", args=[d.scholar.pk])),
    ("mentor", "meeting mode", lambda d: reverse("live", args=[d.meeting.pk])),
    ("scholar", "report", lambda d: reverse("report", args=[d.scholar.pk])),
    ("mentor", "report", lambda d: reverse("report", args=[d.scholar.pk])),
    ("scholar", "growth", lambda d: reverse("growth", args=[d.scholar.pk])),
    ("mentor", "growth", lambda d: reverse("growth", args=[d.scholar.pk])),
    (None, "login", lambda d: reverse("login")),
]

RESTRUCTURED: dict[tuple[str, str, str], str] = {}  # cases known to fail, with the reason


def _cases():
    for role, name, url in PAGES:
        for width_name, width in WIDTHS.items():
            marks = []
            reason = RESTRUCTURED.get((role, name, width_name))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=False))
            yield pytest.param(
                role, name, url, width, id=f"{role or 'anonymous'}-{name}-{width_name}", marks=marks
            )


@pytest.mark.parametrize(("role", "name", "url", "width"), list(_cases()))
def test_page_is_accessible_and_fits(
    transactional_db, page_for, console_errors, role, name, url, width
):
    demo = _demo()
    user = {
        "scholar": demo.scholar,
        "mentor": demo.mentor,
        "staff": demo.staff,
        "stuck": demo.stuck,
        "peer": demo.peer,
        None: None,
    }[role]
    page = page_for(user, viewport={"width": width, "height": 900})
    response = page.goto(url(demo))
    assert response.status == 200, page.url
    if name == "import preview":
        page.get_by_label("…or paste the rows").fill(
            "new.scholar@example.org,mentor1@example.org,7\n"
            "scholar1@example.org,mentor2@example.org,14\nbad-row,mentor1@example.org,7"
        )
        page.get_by_role("button", name="Preview (dry run)").click()
        page.get_by_text("Line 3:").wait_for()
    elif name == "stuck prompt":  # the axe run covers the suggestion and its button
        page.locator("#peer-suggestions").get_by_text("Ask Grace about “Fixed the data").wait_for()
    elif name == "you were asked":
        page.locator("#you-were-asked").get_by_text("listed you as someone they asked").wait_for()

    violations = axe_violations(page)
    assert violations == [], f"axe at {width}px on {page.url}: {violations}"

    layout = page.evaluate(OVERFLOW_JS)
    assert layout["scrollWidth"] <= layout["innerWidth"] and not layout["wide"], (
        f"{page.url} at {width}px is {layout['scrollWidth']}px wide; sticking out: {layout['wide']}"
    )
    assert console_errors == []


FOCUS_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    name: el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
      + (el.type ? "[" + el.type + "]" : "") + " "
      + (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 30),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth),
    offset: parseFloat(style.outlineOffset),
    color: style.outlineColor,
  };
}"""


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_keyboard_focus_ring_is_solid_and_contrasting(transactional_db, page_for):
    """Tabbing through the mentor's brief (links, summaries, chips, text fields, the dark green
    buttons): every control shows a solid ring of at least 2 px, set off from the control, in
    a colour that stands out 3:1 against the light page."""
    demo = _demo()
    page = page_for(demo.mentor, viewport={"width": 1280, "height": 900})
    page.goto(reverse("brief", args=[demo.meeting.pk]))
    page_background = _luminance("rgb(251, 252, 252)")
    seen = set()
    for _ in range(45):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_JS)
        seen.add(ring["name"].split(" ")[0])
        assert ring["style"] == "solid" and ring["width"] >= 2 and ring["offset"] >= 2, str(ring)
        contrast = (page_background + 0.05) / (_luminance(ring["color"]) + 0.05)
        assert contrast >= 3, ring
    # The walk really went past the kinds of control the ring has to work on.
    kinds = {name.split("[")[0] for name in seen}
    assert {"a", "summary", "button.chip", "button.small", "textarea", "input"} <= kinds, seen


def test_mentor_home_on_a_phone_lists_every_scholar_with_its_links(transactional_db, page_for):
    demo = _demo()
    page = page_for(demo.mentor, viewport={"width": 390, "height": 900})
    page.goto(reverse("home"))
    rows = page.locator(".scholar-table tbody tr")
    assert rows.count() == 4
    for i in range(4):
        row = rows.nth(i)
        row_box = row.bounding_box()
        assert row_box["x"] >= 0 and row_box["x"] + row_box["width"] <= 390
        links = row.get_by_role("link")
        names = [links.nth(j).inner_text() for j in range(links.count())]
        # a pair with no meeting planned may show the proposed next one ("Move…" to change it)
        assert names in (
            ["Brief", "Move", "History"],
            ["Schedule", "History"],
            ["Move…", "Schedule", "History"],
        ), names
        for j in range(links.count()):
            box = links.nth(j).bounding_box()
            assert box["x"] + box["width"] <= 390 and box["height"] >= 24, (names[j], box)
    # Labelled cells: a card reads "Next meeting: …", not a bare date.
    label = rows.first.locator("td[data-label]").first.evaluate(
        "td => getComputedStyle(td, '::before').content"
    )
    assert label == '"Next meeting: "'
