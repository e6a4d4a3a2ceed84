import pytest

from meetings.templatetags.mentorprep import render_markdown


def test_it_renders_markdown():
    html = render_markdown("**bold** and *em*\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html and "<li>one</li>" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<svg onload="alert(1)"></svg>',
        "![x](javascript:alert(1))",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p style="position:fixed">x</p>',
    ],
)
def test_it_strips_anything_live(payload):
    html = render_markdown(payload).lower()
    for live in (
        "<script",
        "onerror",
        "onload",
        "javascript:",
        "data:text",
        "<svg",
        "<iframe",
        "style=",
    ):
        assert live not in html


def test_it_keeps_safe_links_and_marks_them_nofollow():
    html = render_markdown("[paper](https://arxiv.org/abs/1234)")
    assert 'href="https://arxiv.org/abs/1234"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_it_renders_nothing_for_empty_text():
    assert render_markdown("") == "" and render_markdown(None) == ""


def test_it_renders_each_text_on_its_own_when_results_are_cached():
    first = render_markdown("**one** <script>x</script>")
    assert render_markdown("**two**") == "<p><strong>two</strong></p>"
    again = render_markdown("**one** <script>x</script>")
    assert again == first and "<script>" not in again and "<strong>one</strong>" in again
    assert render_markdown("") == "" and render_markdown(None) == ""
