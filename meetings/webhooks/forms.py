from django import forms

from meetings.models import WebhookEvent, WebhookSubscription
from meetings.webhooks.delivery import UnsafeEndpoint, check_endpoint


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label="Endpoint address",
        max_length=500,
        assume_scheme="https",
        help_text="An https:// address on the public internet; we POST each event to it.",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "description", "events"]
        labels = {"description": "Description (optional)"}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_endpoint(url)
        except UnsafeEndpoint as refused:
            raise forms.ValidationError(str(refused)) from refused
        return url

    def clean_events(self) -> list[str]:
        chosen = set(self.cleaned_data["events"])
        return [value for value in WebhookEvent.values if value in chosen]
