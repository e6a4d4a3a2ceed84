"""What every feature's forms share: the message a refused form gives, one-line text and web links."""

from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator


def form_problem(form: forms.BaseForm, fallback: str) -> str:
    """The form's own messages (e.g. "at most 4000 characters"), or the fallback."""
    problems = [
        " ".join(e.messages)
        for errors in form.errors.as_data().values()
        for e in errors
        if e.code != "required"
    ]
    return " ".join(problems) if problems else fallback


def storable_text(text: str) -> None:
    """Refuse text read without a form that holds a NUL character, as a form's CharField does
    (PostgreSQL cannot store one: the write would fail with a 500)."""
    ProhibitNullCharactersValidator(
        message="The text holds a NUL character, which cannot be saved: remove it and try again."
    )(text)


def one_line(form: forms.BaseForm, name: str, message: str, required: bool = True) -> str:
    text = " ".join(form.cleaned_data.get(name, "").split())
    if required and not text:
        raise forms.ValidationError(message)
    return text


def link_field() -> forms.URLField:
    """A reading's optional web address (a reading entry's or a recommendation's)."""
    return forms.URLField(
        label="Link (optional)",
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
        error_messages={"invalid": "The link must be a full web address, starting with https://."},
    )


def web_link(form: forms.BaseForm) -> str:
    """Only web links: a javascript: or data: address is refused, not rendered as a link."""
    link = form.cleaned_data.get("link", "")
    if link and not link.lower().startswith(("http://", "https://")):
        raise forms.ValidationError("The link must start with https:// or http://.")
    return link
