"""Console forms: the upload form of a new import and the custom-profile editor."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminFileFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanWidget,
)

from zhanggui.imports.fields import fields_of
from zhanggui.imports.models import ImportKind
from zhanggui.imports.profiles import BUILTIN
from zhanggui.imports.queries import CUSTOM_PREFIX, list_profiles

IGNORE = ""


def format_choices() -> list[tuple[str, str]]:
    names = list(dict.fromkeys(name for name, _kind in BUILTIN))  # zhanggui first
    choices = [(name, name) for name in names]
    choices += [(f"{CUSTOM_PREFIX}{p.pk}", f"{p.name} ({p.get_kind_display()})")
                for p in list_profiles()]
    return choices


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices,
                             widget=UnfoldAdminSelectWidget)
    format_name = forms.ChoiceField(label=_("Format"), widget=UnfoldAdminSelectWidget,
                                    help_text=_("A built-in layout or a saved custom profile."))
    channel = forms.CharField(label=_("Channel"), max_length=30, required=False,
                              widget=UnfoldAdminTextInputWidget,
                              help_text=_("Empty: the format's own (taobao, shopify …, own)."))
    file = forms.FileField(label=_("File (CSV or .xlsx)"), widget=UnfoldAdminFileFieldWidget)
    item_file = forms.FileField(label=_("Item-detail file (Taobao only)"), required=False,
                                widget=UnfoldAdminFileFieldWidget)
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid records (import the rest)"), required=False,
        widget=UnfoldBooleanWidget,
        help_text=_("Off: any invalid row and nothing is imported. On: every order, product or "
                    "customer whose rows are all valid is imported; the others are listed in "
                    "the error report."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format_name"].choices = format_choices()


class SampleForm(forms.Form):
    """Step 1 of the profile editor: a sample file of the layout to map."""

    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices,
                             widget=UnfoldAdminSelectWidget)
    sample = forms.FileField(label=_("Sample file (CSV or .xlsx)"), widget=UnfoldAdminFileFieldWidget)
    encoding = forms.CharField(label=_("Encoding"), required=False, max_length=20,
                               widget=UnfoldAdminTextInputWidget,
                               help_text=_("Empty to detect (UTF-8, UTF-8 with BOM, GBK/GB18030)."))
    delimiter = forms.CharField(label=_("Delimiter"), required=False, max_length=1, strip=False,
                                widget=UnfoldAdminTextInputWidget,
                                help_text=_("Empty to detect."))


def mapping_form_class(kind: str, header: list[str]) -> type[forms.Form]:
    """Step 2: a profile name, its options and one "target field" select per column."""
    targets = [(IGNORE, _("— ignore —"))] + [
        (f.name, f"{f.name} · {f.label}{' *' if f.required else ''}") for f in fields_of(kind).values()]
    attributes = {
        "name": forms.CharField(label=_("Profile name"), max_length=60,
                                widget=UnfoldAdminTextInputWidget),
        "date_format": forms.CharField(
            label=_("Date format"), required=False, max_length=40, widget=UnfoldAdminTextInputWidget,
            help_text=_("e.g. %d/%m/%Y %H:%M; empty reads ISO and common Chinese formats.")),
        "timezone": forms.CharField(label=_("Time zone"), required=False, max_length=40,
                                    widget=UnfoldAdminTextInputWidget,
                                    help_text=_("Empty: the shop's time zone.")),
        "default_channel": forms.CharField(label=_("Default channel"), required=False,
                                           max_length=30, widget=UnfoldAdminTextInputWidget),
    }
    for index, column in enumerate(header):
        attributes[f"map_{index}"] = forms.ChoiceField(
            label=column or f"#{index + 1}", choices=targets, required=False,
            widget=UnfoldAdminSelectWidget)
    return type("MappingForm", (forms.Form,), attributes)
