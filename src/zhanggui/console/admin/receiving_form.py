"""The receive page of a purchase order: per open line the units accepted, rejected (with a
reason) and short; the delivery's freight (with ``catalog.view_cost``) and, for finance and
the owner (``suppliers.accept_over_receipt``), the over-receipt box.

Inputs are labelled and have stable ids for people and browser tests alike:
``id_line_<line id>_accepted`` / ``_rejected`` / ``_reason`` / ``_short``, each carrying
``data-sku="<SKU code>"``; the button is ``#receive-submit``.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanWidget,
)

from zhanggui.console.mixins import COST_PERMISSION
from zhanggui.core.errors import DomainError
from zhanggui.suppliers import actions
from zhanggui.suppliers.models import PurchaseOrder, PurchaseOrderStatus, RejectReason
from zhanggui.suppliers.receiving import OVER_RECEIPT_PERMISSION

TEMPLATE = "console/supply/receive_purchase_order.html"


def _count(label: str, sku: str, initial: int = 0) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, initial=initial, widget=(
        UnfoldAdminIntegerFieldWidget(attrs={"data-sku": sku, "min": 0, "aria-label": label})))


class ReceiveForm(forms.Form):
    """One row of inputs per line of the order (built from its lines)."""

    def __init__(self, *args, po: PurchaseOrder, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.po = po
        self.rows = []
        reasons = [("", "—"), *RejectReason.choices]
        for line in po.lines.select_related("sku", "sku__product").order_by("id"):
            code, key = line.sku.code, f"line_{line.pk}"
            self.fields[f"{key}_accepted"] = _count(_("%(sku)s accepted") % {"sku": code}, code,
                                                    initial=line.open_quantity)
            self.fields[f"{key}_rejected"] = _count(_("%(sku)s rejected") % {"sku": code}, code)
            reason_label = _("%(sku)s reject reason") % {"sku": code}
            self.fields[f"{key}_reason"] = forms.ChoiceField(
                label=reason_label, choices=reasons, required=False,
                widget=UnfoldAdminSelectWidget(attrs={"data-sku": code,
                                                      "aria-label": reason_label}))
            self.fields[f"{key}_short"] = _count(_("%(sku)s short") % {"sku": code}, code)
            self.rows.append((line, [self[f"{key}_{part}"] for part in
                                     ("accepted", "rejected", "reason", "short")]))
        if user.has_perm(COST_PERMISSION):
            self.fields["freight_amount"] = forms.DecimalField(
                label=_("Freight and other landed costs of this delivery"), min_value=0,
                max_digits=14, decimal_places=2, initial=0, required=False,
                widget=UnfoldAdminDecimalFieldWidget())
        if user.has_perm(OVER_RECEIPT_PERMISSION):
            self.fields["allow_over_receipt"] = forms.BooleanField(
                label=_("Accept more than was ordered (over-receipt)"), required=False,
                widget=UnfoldBooleanWidget())
        self.fields["note"] = forms.CharField(label=_("Note"), max_length=200, required=False,
                                              widget=UnfoldAdminTextInputWidget())

    def lines(self) -> dict[int, actions.ReceiptLineInput]:
        data, result = self.cleaned_data, {}
        for line, _fields in self.rows:
            key = f"line_{line.pk}"
            given = actions.ReceiptLineInput(
                accepted=data.get(f"{key}_accepted") or 0,
                rejected=data.get(f"{key}_rejected") or 0,
                reject_reason=data.get(f"{key}_reason") or "",
                short=data.get(f"{key}_short") or 0)
            if given.accepted or given.rejected or given.short:
                result[line.pk] = given
        return result

    def extra_fields(self):
        return [self[name] for name in ("freight_amount", "allow_over_receipt", "note")
                if name in self.fields]


def receive_view(model_admin, request, object_id):
    """GET: the form; POST: receive (a refusal shows why and changes nothing)."""
    if not request.user.has_perm("suppliers.receive_purchaseorder"):
        raise PermissionDenied
    po = model_admin.get_object(request, unquote(object_id))
    if po is None:
        raise Http404(_("The object was not found."))
    change_url = reverse("admin:suppliers_purchaseorder_change", args=[po.pk])
    form = ReceiveForm(request.POST if request.method == "POST" else None, po=po,
                       user=request.user)
    error = ""
    if po.status not in (PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTLY_RECEIVED):
        error = _("Only a sent or partly received purchase order can be received.")
    elif request.method == "POST" and form.is_valid():
        try:
            receipt = actions.receive_purchase_order(
                po, lines=form.lines(), actor=request.user,
                allow_over_receipt=form.cleaned_data.get("allow_over_receipt", False),
                freight_amount=form.cleaned_data.get("freight_amount") or 0,
                note=form.cleaned_data.get("note", ""))
        except DomainError as exc:
            error = str(exc)
        else:
            model_admin.message_user(request, _("Receipt %(number)s booked.") % {
                "number": receipt.number}, messages.SUCCESS)
            return HttpResponseRedirect(change_url)
    return TemplateResponse(request, TEMPLATE, {
        **model_admin.admin_site.each_context(request), "title": _("Receive %(number)s") % {
            "number": po.number}, "opts": model_admin.model._meta, "po": po, "form": form,
        "error": error, "cancel_url": change_url,
        "can_receive": po.status in (PurchaseOrderStatus.SENT,
                                     PurchaseOrderStatus.PARTLY_RECEIVED)})
