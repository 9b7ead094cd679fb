"""Forms of the webhooks console (``integrations.admin``): a new endpoint, confirmation of a
switch or replay, and the time range of a replay."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminTextInputWidget,
    UnfoldAdminURLInputWidget,
)

from zhanggui.core.errors import DomainError
from zhanggui.events.catalogue import CATALOGUE
from zhanggui.integrations import webhooks
from zhanggui.integrations.models import WebhookEndpoint


def event_type_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(CATALOGUE)]


class WebhookEndpointAddForm(forms.ModelForm):
    """URL, event types (none ticked: every type) and a description; the URL is checked
    against the address guard before anything is saved."""

    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         widget=UnfoldAdminURLInputWidget())
    event_types = forms.MultipleChoiceField(
        label=_("event types"), choices=event_type_choices, required=False,
        help_text=_("None ticked: every event type."),
        widget=UnfoldAdminCheckboxSelectMultipleWidget())

    class Meta:
        model = WebhookEndpoint
        fields = ("description",)  # the URL and the types are declared above

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            webhooks.check_target(url)
        except DomainError as refused:
            raise forms.ValidationError(str(refused)) from None
        return url


class ConfirmForm(forms.Form):
    """No input: the page asks for confirmation only."""


class ReplayRangeForm(forms.Form):
    """A half-open time range [start, end) in the shop's time zone."""

    start = forms.DateTimeField(
        label=_("from"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=UnfoldAdminTextInputWidget(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(
        label=_("until (not included)"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=UnfoldAdminTextInputWidget(attrs={"type": "datetime-local"}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise forms.ValidationError(_("The start must be before the end."))
        return data
