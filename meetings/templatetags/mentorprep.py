"""The one place where user text becomes HTML: Markdown, then nh3's allow-list sanitiser.

The busiest pages do not render here on every view: the models store the HTML beside its text
when the text is written (meetings/models/derived.py calls `render_markdown`), and read it back
as safe through `stored_html`. Nothing else marks a text safe."""

import threading

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

from meetings.charts import number as number_text

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    """One Markdown parser per thread, reset between texts: building one costs more than
    converting a typical section."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown_lib.Markdown(extensions=["sane_lists"], output_format="html")
    return md.reset()


@register.filter(name="markdown")
def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    return _render(str(text))


def _render(text: str) -> SafeString:
    """Markdown, then nh3: the one place user text becomes HTML."""
    html = _converter().convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above


def stored_html(html: str | None) -> SafeString | None:
    """HTML that `render_markdown` made when its text was written, read back from the database."""
    return None if html is None else mark_safe(html)  # noqa: S308 - sanitised by nh3 on write


@register.filter
def words(text: str | None) -> int:
    from meetings.models.derived import word_count

    return word_count(text)


@register.filter
def percent(value: float | None) -> str:
    # imported here: the models import this module (stored HTML), the cadence imports the models
    from meetings.staff.cadence import percent_text

    return percent_text(value)


@register.filter
def number(value: float | None) -> str:
    """A figure on any page: "4", "14.4", "—" for none (meetings/charts.py number)."""
    return "—" if value is None or value == "" else number_text(float(value))


# English, as Django's "M" date format writes them under the site's one language (en-us).
MONTHS_3 = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@register.filter(expects_localtime=True)
def day_month(value, year: bool = True) -> str:
    """`value|date:"j M Y"` (`|day_month:False`: `"j M"`), for the long lists of the report and
    the growth page: Django's date filter looks up the format and translates the month name on
    every call, which made up a sixth of those pages' time."""
    if not value:
        return ""
    text = f"{value.day} {MONTHS_3[value.month - 1]}"
    return f"{text} {value.year}" if year else text


WEEKDAYS_3 = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@register.filter(expects_localtime=True)
def weekday_date(value, time: bool = False) -> str:
    """`value|date:"D j M Y"` (`|weekday_date:True`: `"D j M Y, H:i"`), as `day_month` is
    `"j M Y"`: for the per-meeting headings of the history and its search results."""
    if not value:
        return ""
    text = f"{WEEKDAYS_3[value.weekday()]} {day_month(value)}"
    return f"{text}, {value.hour:02d}:{value.minute:02d}" if time else text
