"""Forms of the console's ticket pages: open a ticket (a phone call typed by the agent),
reply (with the canned-reply picker), note, assign, resolve/close."""

from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from zhanggui.accounts.models import Staff
from zhanggui.console.forms import LookupField, customer_field
from zhanggui.console.operations import OperationForm
from zhanggui.orders.models import Order
from zhanggui.service.models import (
    CannedReply,
    ComplaintNature,
    TicketChannel,
    TicketKind,
    TicketSeverity,
)

BLANK = [("", "—")]


def _text(label, *, required=False, max_length=200):
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=UnfoldAdminTextInputWidget())


class OpenTicketForm(OperationForm):
    channel = forms.ChoiceField(label=_("channel"), choices=TicketChannel.choices,
                                initial=TicketChannel.PHONE, widget=UnfoldAdminSelectWidget())
    kind = forms.ChoiceField(label=_("kind"), choices=TicketKind.choices,
                             widget=UnfoldAdminSelectWidget())
    nature = forms.ChoiceField(label=_("complaint about"), required=False,
                               choices=BLANK + list(ComplaintNature.choices),
                               widget=UnfoldAdminSelectWidget())
    severity = forms.ChoiceField(label=_("severity"), required=False,
                                 choices=BLANK + list(TicketSeverity.choices),
                                 widget=UnfoldAdminSelectWidget())
    subject = _text(_("subject"), required=True)
    body = forms.CharField(label=_("what the customer said"), required=False, max_length=10000,
                           widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}))
    contact = _text(_("contact (phone, e-mail or nickname)"), max_length=254)
    customer_code = customer_field()
    order_number = LookupField(label=_("order number"), model=Order, field="number",
                               missing=_("No order has this number."))



class CannedPickForm(forms.Form):
    """The picker (a GET form): the chosen canned reply fills the reply box."""

    canned = forms.ModelChoiceField(label=_("canned reply"), required=False,
                                    queryset=CannedReply.objects.none(),
                                    widget=UnfoldAdminSelectWidget())

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        replies = CannedReply.objects.filter(is_active=True).order_by("title")
        self.fields["canned"].queryset = replies


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("reply to the customer"), max_length=10000,
                           widget=UnfoldAdminTextareaWidget(attrs={"rows": 4}))
    canned_reply = forms.ModelChoiceField(queryset=CannedReply.objects.all(), required=False,
                                          widget=forms.HiddenInput())


class NoteForm(forms.Form):
    body = forms.CharField(label=_("internal note"), max_length=10000,
                           widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}))


class AssignForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("assign to"), queryset=Staff.objects.none(),
                                   widget=UnfoldAdminSelectWidget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = agents()


class DoneForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, max_length=255,
                           widget=UnfoldAdminTextInputWidget())


def agents():
    """Active staff who may answer tickets (by their roles' permission)."""
    return (Staff.objects.filter(is_active=True)
            .filter(groups__permissions__codename="reply_ticket",
                    groups__permissions__content_type__app_label="service")
            .distinct().order_by("username"))
