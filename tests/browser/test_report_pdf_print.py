"""The report's PDF as Chromium prints it: every list number is whole, from 10 up too."""

from meetings import pdf
from meetings.growth.report import build_report
from tests.meetings.growth.report_data import add_meetings


def test_list_numbers_from_ten_up_are_not_cut_off(world, browser):
    add_meetings(world, 12)
    html = pdf.report_html(
        {"report": build_report(world.scholar, world.scholar), "scholar": world.scholar}
    )
    page = browser.new_page()
    try:
        page.emulate_media(media="print")
        page.set_content(html)
        # Each list's widest number, set in the list's own font, against the room its padding
        # leaves left of the items (the marker sits there; past the page's edge it is cut).
        lists = page.evaluate(
            """() => [...document.querySelectorAll("ol.report-list")].map((ol) => {
                const probe = document.createElement("span");
                probe.textContent = ol.children.length + ". ";
                probe.style.whiteSpace = "pre";
                ol.firstElementChild.appendChild(probe);
                const needed = probe.getBoundingClientRect().width;
                probe.remove();
                const room = ol.firstElementChild.getBoundingClientRect().left;
                return {items: ol.children.length, needed, room};
            })"""
        )
    finally:
        page.close()
    long_lists = [entry for entry in lists if entry["items"] >= 10]
    assert long_lists, lists
    for entry in long_lists:
        assert entry["needed"] <= entry["room"], entry
