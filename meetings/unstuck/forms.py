"""Getting unstuck: offers of help, how a bottleneck was resolved, and whom the scholar asked."""

from __future__ import annotations

from django import forms

from accounts.forms import JoinedSelect
from accounts.models import User
from meetings.forms import one_line
from meetings.models import (
    HelpAsked,
    PeerOffer,
)


class PeerOfferForm(forms.ModelForm):
    class Meta:
        model = PeerOffer
        fields = ["kind", "message"]
        labels = {"kind": "Your offer"}
        widgets = {
            "kind": forms.RadioSelect,
            "message": forms.TextInput(attrs={"placeholder": "e.g. I had the same with…"}),
        }

    def clean_message(self) -> str:
        return one_line(self, "message", "", required=False)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="How I got past it (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "One line, for peers stuck on the same"}),
    )

    def clean_resolution(self) -> str:
        return one_line(self, "resolution", "", required=False)


class HelpAskedForm(forms.Form):
    """One "whom I asked" entry: a peer picked from the program's scholars, the mentor, someone
    outside by name, or a forum or chat."""

    kind = forms.ChoiceField(label="Whom", choices=HelpAsked.Kind.choices)
    peer = forms.ModelChoiceField(
        label="Peer",
        queryset=None,
        required=False,
        empty_label="Pick a peer…",
        widget=JoinedSelect,  # a program's scholars: hundreds of options, in every entry's form
    )
    name = forms.CharField(label="Name or channel", max_length=120, required=False, strip=True)
    outcome = forms.CharField(label="What came of it", max_length=200, required=False, strip=True)

    def __init__(self, *args, peers=None, peer_choices=None, entry=None, **kwargs) -> None:
        """peers: whom a "peer" may be (checked on post); peer_choices: the same as (id, name)
        pairs, read once for every form of the page; entry: the entry this form edits (its
        values, and ids of its own)."""
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": entry.kind,
                "peer": entry.peer_id,
                "name": entry.name,
                "outcome": entry.outcome,
            }
        super().__init__(*args, **kwargs)
        self.fields["peer"].queryset = peers if peers is not None else User.objects.none()
        self.fields["peer"].label_from_instance = lambda user: user.name
        if peer_choices is not None:
            self.fields["peer"].choices = [("", self.fields["peer"].empty_label), *peer_choices]
        stem = f"help{entry.pk}" if entry is not None else "help"
        for name, field in self.fields.items():
            field.widget.attrs["id"] = f"{stem}-{name}"

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind == HelpAsked.Kind.PEER and not data.get("peer"):
            self.add_error("peer", "Pick the peer you asked.")
        if kind in (HelpAsked.Kind.OUTSIDE, HelpAsked.Kind.FORUM) and not data.get("name"):
            self.add_error(
                "name",
                "Name the person you asked."
                if kind == HelpAsked.Kind.OUTSIDE
                else "Name the forum or chat.",
            )
        if kind != HelpAsked.Kind.PEER:
            data["peer"] = None
        return data
