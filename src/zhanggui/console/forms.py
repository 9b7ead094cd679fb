"""Intermediate forms of console operations: what a person must say before an action runs."""

from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminPasswordWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from zhanggui.accounts.models import Staff
from zhanggui.accounts.roles import Role
from zhanggui.aftersales.models import Disposition, ReasonCode, RequestKind
from zhanggui.catalog.models import ListingReason, Sku
from zhanggui.console.operations import OperationForm
from zhanggui.customers.models import Customer
from zhanggui.fulfillment.models import Carrier
from zhanggui.inventory.models import MovementKind, Warehouse


def _text(label, *, required: bool = True, max_length: int = 200, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length,
                           widget=UnfoldAdminTextInputWidget(), **kwargs)


class LookupField(forms.CharField):
    """A number typed by a person (a customer's, an order's), cleaned to the row it names;
    ``None`` when left blank, ``missing`` as the error when no row has it."""

    def __init__(self, *, model, field: str, missing, max_length: int = 40, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", UnfoldAdminTextInputWidget())
        super().__init__(max_length=max_length, **kwargs)
        self.model, self.field, self.missing = model, field, missing

    def clean(self, value):
        code = (super().clean(value) or "").strip()
        if not code:
            return None
        found = self.model._default_manager.filter(**{self.field: code}).first()
        if found is None:
            raise forms.ValidationError(self.missing)
        return found


def customer_field(label=None) -> LookupField:
    return LookupField(label=label or _("customer number"), model=Customer, field="code",
                       missing=_("No customer has this number."))


def _choice(label, choices, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=UnfoldAdminSelectWidget(),
                             **kwargs)


class NoteForm(OperationForm):
    note = _text(_("Note"), required=False, max_length=255)


class ReasonForm(OperationForm):
    reason = _text(_("Reason"), max_length=200)


class ShipForm(OperationForm):
    carrier = _choice(_("Carrier"), Carrier.choices)
    tracking_number = _text(_("Tracking number"), max_length=40)


LIST_REASONS = [ListingReason.NEW, ListingReason.RESTOCKED, ListingReason.MANUAL]
DELIST_REASONS = [ListingReason.STOCK_OUT, ListingReason.QUALITY_ISSUE, ListingReason.SLOW_SELLER,
                  ListingReason.RULE_VIOLATION, ListingReason.SEASON_END, ListingReason.MANUAL]


class ListForm(OperationForm):
    reason = _choice(_("Reason"), [(r.value, r.label) for r in LIST_REASONS])


class DelistForm(OperationForm):
    reason = _choice(_("Reason"), [(r.value, r.label) for r in DELIST_REASONS])


class ReceiveForm(OperationForm):
    quantity = forms.IntegerField(label=_("Quantity received"), min_value=1,
                                  widget=UnfoldAdminIntegerFieldWidget())
    reason = _text(_("Reason"), initial=_("inbound receipt"))
    reference = _text(_("Reference (e.g. purchase order)"), required=False, max_length=60)


class AdjustForm(OperationForm):
    delta = forms.IntegerField(label=_("Change in units (negative for loss)"),
                               widget=UnfoldAdminIntegerFieldWidget())
    kind = _choice(_("Kind"), [(MovementKind.ADJUST.value, MovementKind.ADJUST.label),
                               (MovementKind.COUNT.value, MovementKind.COUNT.label)])
    reason = _text(_("Reason"))

    def clean_delta(self) -> int:
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError(_("The change must not be zero."))
        return delta


class ReceiveNewStockForm(ReceiveForm):
    """Receive units of any SKU into any warehouse, also where no stock row exists yet."""

    sku_code = _text(_("SKU code"), max_length=60)
    warehouse = forms.ModelChoiceField(label=_("Warehouse"),
                                       queryset=Warehouse.objects.filter(is_active=True),
                                       widget=UnfoldAdminSelectWidget())
    field_order = ["sku_code", "warehouse", "quantity", "reason", "reference"]

    def clean_sku_code(self) -> Sku:
        code = self.cleaned_data["sku_code"].strip()
        sku = Sku.objects.filter(code=code).first()
        if sku is None:
            raise forms.ValidationError(_("No SKU has the code %(code)s."), params={"code": code})
        return sku


class RefundForm(OperationForm):
    amount = forms.DecimalField(label=_("Refund amount"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(Decimal("0.01"))],
                                widget=UnfoldAdminDecimalFieldWidget())
    reason = _text(_("Reason"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.fields["amount"].initial = self.initial_amount(self.obj)

    @staticmethod
    def initial_amount(obj) -> Decimal:
        requested = getattr(obj, "requested_amount", None)
        if requested:
            return requested
        order = getattr(obj, "order", obj)
        return order.refundable_amount


class ReceiveReturnForm(OperationForm):
    """One restock/scrap choice per returned line of an after-sales request."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(Disposition.RESTOCK.value, _("put back into stock")),
                   (Disposition.SCRAP.value, _("scrap"))]
        for line in self.obj.lines.select_related("order_line"):
            self.fields[f"line_{line.pk}"] = _choice(
                f"{line.order_line.product_title} · {line.order_line.sku_code} × {line.quantity}",
                choices, initial=Disposition.RESTOCK)

    def dispositions(self) -> dict[int, str]:
        return {int(name.removeprefix("line_")): value
                for name, value in self.cleaned_data.items() if name.startswith("line_")}


class AftersalesRequestForm(OperationForm):
    """A buyer's after-sales request taken down by customer service: kind, reason, amount
    and, for returns and exchanges, how many units of each order line come back."""

    kind = _choice(_("Kind"), RequestKind.choices)
    reason_code = _choice(_("Reason"), ReasonCode.choices)
    requested_amount = forms.DecimalField(label=_("Amount requested"), max_digits=14,
                                          decimal_places=2, min_value=Decimal("0.00"),
                                          initial=Decimal("0.00"),
                                          widget=UnfoldAdminDecimalFieldWidget())
    buyer_note = _text(_("Buyer note"), required=False, max_length=255)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for line in self.obj.lines.all():
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.product_title} · {line.sku_code}", min_value=0,
                max_value=line.quantity - line.returned_quantity, initial=0, required=False,
                help_text=_("Units sent back (bought %(bought)d, returned %(returned)d)")
                % {"bought": line.quantity, "returned": line.returned_quantity},
                widget=UnfoldAdminIntegerFieldWidget())


def line_quantities(data: dict) -> dict[int, int]:
    """``{order-line id: units}`` from the ``line_<id>`` fields of a form, zeros left out."""
    return {int(name.removeprefix("line_")): value for name, value in data.items()
            if name.startswith("line_") and value}


class TokenForm(OperationForm):
    name = _text(_("Token name (what the integration is)"), max_length=80)


class StaffCreationForm(forms.ModelForm):
    """A new staff member: account, password (validated) and roles."""

    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=UnfoldAdminPasswordWidget(render_value=False))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=UnfoldAdminPasswordWidget(render_value=False))
    roles = forms.MultipleChoiceField(label=_("Roles"), choices=Role.choices,
                                      widget=UnfoldAdminCheckboxSelectMultipleWidget())

    class Meta:
        model = Staff
        fields = ("username", "display_name", "email")

    def clean(self) -> dict:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            candidate = Staff(username=cleaned.get("username", ""),
                              email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
