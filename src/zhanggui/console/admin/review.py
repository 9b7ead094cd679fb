"""Console pages of automatic review: the rules (ordered, on/off, a parameter form per kind),
order holds (release), the block list and payment callbacks; and the pieces the order page
uses (holds inline, hold reasons column, Release / Recheck / Fix address / Seller note).
Every change goes through ``orders.review``, ``orders.review_config`` and their logs."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django.utils.html import format_html_join
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
)

from zhanggui.console.filters import DateRangeFilter
from zhanggui.console.formatting import badge, change_link, money
from zhanggui.console.forms import NoteForm
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyTabularInline,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_bulk
from zhanggui.core.regions import PROVINCE_CHOICES
from zhanggui.customers import rules as customer_rules
from zhanggui.orders import actions, review, review_config, review_rules
from zhanggui.orders.errors import InvalidRuleParams
from zhanggui.orders.models import BlockedBuyer, OrderHold, PaymentCallback, ReviewRule
from zhanggui.orders.review_kinds import RuleKind

HUNDRED = Decimal(100)


def _param_field(spec: review_rules.Param) -> forms.Field:
    if spec.type == "amount":
        return forms.DecimalField(label=spec.label, min_value=0, max_digits=14, decimal_places=2,
                                  widget=UnfoldAdminDecimalFieldWidget())
    if spec.type == "fraction":  # a fraction in code, a percentage on screen
        return forms.DecimalField(label=format_lazy("{} (%)", spec.label), min_value=Decimal("0.01"),
                                  max_value=HUNDRED, decimal_places=2,
                                  widget=UnfoldAdminDecimalFieldWidget())
    if spec.type in ("count", "hours"):
        return forms.IntegerField(label=spec.label, min_value=spec.minimum, max_value=spec.maximum,
                                  widget=UnfoldAdminIntegerFieldWidget())
    if spec.type == "words":
        return forms.CharField(label=spec.label, max_length=2000, widget=UnfoldAdminTextInputWidget(),
                               help_text=_("Separated by commas."))
    return forms.MultipleChoiceField(label=spec.label, choices=PROVINCE_CHOICES, required=False,
                                     widget=forms.CheckboxSelectMultiple())


def _initial(spec: review_rules.Param, value):
    if spec.type == "fraction":
        return format((Decimal(str(value)) * HUNDRED).normalize(), "f")
    if spec.type == "words":
        return ", ".join(value)
    return value


def _stored(spec: review_rules.Param, value):
    if spec.type == "fraction":
        return str(Decimal(value) / HUNDRED)
    if spec.type == "amount":
        return str(value)
    return value


class ReviewRuleForm(forms.ModelForm):
    """The rule's name, position and switch, and one field per parameter of its kind."""

    class Meta:
        model = ReviewRule
        fields = ("kind", "name", "position", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.kind if self.instance.pk else None
        self.specs = review_rules.PARAMS.get(kind, ()) if kind else ()
        params = {**review_rules.default_params(kind), **self.instance.params} if kind else {}
        for spec in self.specs:  # the fields are declared per kind by ReviewRuleAdmin.get_form
            self.fields[f"param_{spec.name}"].initial = _initial(
                spec, params.get(spec.name, spec.default))

    def clean(self):
        cleaned = super().clean()
        kind = self.instance.kind if self.instance.pk else cleaned.get("kind")
        if kind:
            try:
                cleaned["params"] = review_rules.validate_params(kind, self.params())
            except InvalidRuleParams as error:
                raise forms.ValidationError(str(error)) from None
        return cleaned

    def params(self) -> dict:
        return {spec.name: _stored(spec, self.cleaned_data[f"param_{spec.name}"])
                for spec in self.specs if self.cleaned_data.get(f"param_{spec.name}") is not None}


@admin.register(ReviewRule)
class ReviewRuleAdmin(ConsoleModelAdmin):
    form = ReviewRuleForm
    list_display = ("position", "name", "kind_display", "is_active", "params_display")
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", ("kind", ChoicesDropdownFilter))
    ordering = ("position", "id")
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        return ("kind",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        specs = review_rules.PARAMS.get(obj.kind, ()) if obj is not None else ()
        fields = {f"param_{spec.name}": _param_field(spec) for spec in specs}
        kwargs["form"] = type("ReviewRuleForm", (ReviewRuleForm,), fields)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        rule = [(None, {"fields": ["kind", "name", "position", "is_active"]})]
        specs = review_rules.PARAMS.get(obj.kind, ()) if obj is not None else ()
        if not specs:
            return rule
        return [*rule, (_("Parameters"), {"fields": [f"param_{spec.name}" for spec in specs]})]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switched off, not deleted: holds keep naming their rule

    @display(description=_("kind"), ordering="kind")
    def kind_display(self, rule: ReviewRule) -> str:
        return badge(rule.kind, rule.get_kind_display())

    @display(description=_("parameters"))
    def params_display(self, rule: ReviewRule) -> str:
        parts = []
        for spec in review_rules.PARAMS.get(rule.kind, ()):
            value = rule.params.get(spec.name, spec.default)
            if spec.type == "fraction":
                value = f"{(Decimal(str(value)) * HUNDRED).normalize():f}%"
            elif isinstance(value, list):
                value = "、".join(value) or "—"
            parts.append(f"{spec.label}: {value}")
        return "; ".join(parts) or "—"

    def save_model(self, request, obj: ReviewRule, form, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            rule = review_config.create_rule(
                data["kind"], name=data["name"], params=data.get("params"),
                is_active=data.get("is_active", True), position=data.get("position"),
                actor=request.user)
            obj.pk = obj.id = rule.pk
            return
        changes = {name: data[name] for name in ("name", "position", "is_active") if name in data}
        if "params" in data:
            changes["params"] = data["params"]
        review_config.update_rule(obj, actor=request.user, **changes)


class HoldStatusFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("released", _("released"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(released_at=None)
        if self.value() == "released":
            return queryset.exclude(released_at=None)
        return queryset


RELEASE = Operation(
    title=_("Release holds"),
    perform=lambda hold, data, actor: review.release_hold(hold, actor=actor,
                                                          note=data.get("note", "")),
    done_message=_("%(count)d hold(s) released."),
    form_class=NoteForm,
    help_text=_("An order whose last hold is released is reviewed."),
)


@admin.register(OrderHold)
class OrderHoldAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("created_at", "order_link", "kind_display", "reason", "rule", "released_at",
                    "released_by", "release_note")
    list_filter = (HoldStatusFilter, ("kind", ChoicesDropdownFilter),
                   ("created_at", DateRangeFilter))
    list_select_related = ("order", "rule", "released_by")
    search_fields = ("order__number__startswith",)
    search_help_text = _("Order number or its beginning.")
    actions = ["release_selected"]
    has_release_hold_permission = permission_check("orders.release_hold")

    @display(description=_("order"), ordering="order__number")
    def order_link(self, hold: OrderHold) -> str:
        return change_link(hold.order, hold.order.number)

    @display(description=_("kind"), ordering="kind")
    def kind_display(self, hold: OrderHold) -> str:
        return badge(hold.kind, hold.get_kind_display())

    @admin.action(description=_("Release selected holds"), permissions=["release_hold"])
    def release_selected(self, request, queryset):
        return run_bulk(self, request, queryset, RELEASE)


@admin.register(BlockedBuyer)
class BlockedBuyerAdmin(ConsoleModelAdmin):
    list_display = ("created_at", "customer", "phone", "reason", "created_by")
    list_select_related = ("customer", "created_by")
    autocomplete_fields = ("customer",)
    search_fields = ("customer__code__exact", "reason")
    fields = ("customer", "phone", "reason", "created_by", "created_at")
    personal_fields = {"phone": customer_rules.mask_phone}
    readonly_fields = ("created_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        """An entry's customer and number are what it is (to change them, remove it and add
        another); the number is shown masked to staff who may not see personal data."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        masked = "phone" in self._access(request)[0]
        return ["customer", *([] if masked else ["phone"]), *fields]

    def save_model(self, request, obj: BlockedBuyer, form, change: bool) -> None:
        data = form.cleaned_data
        if change:
            review_config.update_blocked_buyer(obj, reason=data["reason"], actor=request.user)
            return
        entry = review_config.block_buyer(customer=data.get("customer"), phone=data.get("phone", ""),
                                          reason=data["reason"], actor=request.user)
        obj.pk = obj.id = entry.pk

    def delete_model(self, request, obj: BlockedBuyer) -> None:
        review_config.unblock_buyer(obj, actor=request.user)


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("received_at", "transaction_id", "order_number", "order", "amount_display",
                    "method", "succeeded", "status_display", "error_code", "error_message")
    list_filter = (("status", ChoicesDropdownFilter), ("error_code", ChoicesDropdownFilter),
                   ("received_at", DateRangeFilter))
    list_select_related = ("order",)
    search_fields = ("transaction_id__exact", "order_number__startswith")
    search_help_text = _("Exact transaction id, or an order number or its beginning.")
    exclude = ("payload",)

    @display(description=_("amount"), ordering="amount")
    def amount_display(self, callback: PaymentCallback) -> str:
        return money(callback.amount)

    @display(description=_("status"), ordering="status")
    def status_display(self, callback: PaymentCallback) -> str:
        return badge(callback.status, callback.get_status_display())


# ---- the order page ------------------------------------------------------------------------


class OrderHoldInline(ReadOnlyTabularInline):
    model = OrderHold
    fields = ("kind", "reason", "rule", "created_at", "released_at", "released_by", "release_note")
    verbose_name_plural = _("review holds")
    hide_title = False


def open_holds_prefetch() -> Prefetch:
    """The order list's hold reasons: one query per page for every row's open holds."""
    return Prefetch("holds", queryset=OrderHold.objects.filter(released_at=None).order_by("id"),
                    to_attr="open_holds")


def hold_reasons(order) -> str:
    holds = getattr(order, "open_holds", None)
    if holds is None:
        holds = list(order.holds.filter(released_at=None).order_by("id"))
    if not holds:
        return "—"
    return format_html_join("", "<div>{}: {}</div>",
                            ((RuleKind(h.kind).label, h.reason) for h in holds))


class RecipientForm(OperationForm):
    """The recipient's region is shown; the name, phone and street are personal data, typed
    in only when they change (blank keeps them), so the form never shows them."""

    name = forms.CharField(label=_("Recipient"), max_length=60, required=False,
                           widget=UnfoldAdminTextInputWidget())
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False,
                            widget=UnfoldAdminTextInputWidget())
    province_code = forms.ChoiceField(label=_("Province"), choices=PROVINCE_CHOICES,
                                      widget=UnfoldAdminSelectWidget())
    city = forms.CharField(label=_("City"), max_length=40, widget=UnfoldAdminTextInputWidget())
    district = forms.CharField(label=_("District"), max_length=40, required=False,
                               widget=UnfoldAdminTextInputWidget())
    address_detail = forms.CharField(label=_("Street address"), max_length=200, required=False,
                                     widget=UnfoldAdminTextInputWidget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None and not self.is_bound:
            for name in ("province_code", "city", "district"):
                self.fields[name].initial = getattr(self.obj, name)


def _recipient(order, data: dict) -> actions.Recipient:
    return actions.Recipient(
        name=data["name"] or order.recipient_name, phone=data["phone"] or order.recipient_phone,
        province_code=data["province_code"], city=data["city"], district=data["district"],
        address_detail=data["address_detail"] or order.address_detail)


class SellerNoteForm(OperationForm):
    seller_note = forms.CharField(label=_("Seller note"), max_length=255, required=False,
                                  widget=UnfoldAdminTextInputWidget())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None and not self.is_bound:
            self.fields["seller_note"].initial = self.obj.seller_note


RELEASE_ORDER = Operation(
    title=_("Release the order's holds"),
    perform=lambda order, data, actor: review.release_order_holds(order, actor=actor,
                                                                  note=data.get("note", "")),
    done_message=_("Holds released on %(count)d order(s)."),
    form_class=NoteForm,
    help_text=_("The order is then reviewed."),
)
RECHECK = Operation(
    title=_("Recheck against the review rules"),
    perform=lambda order, data, actor: review.recheck_order(order, actor=actor),
    done_message=_("%(count)d order(s) checked again."),
)
FIX_RECIPIENT = Operation(
    title=_("Fix the recipient"),
    perform=lambda order, data, actor: review.update_recipient(
        order, actor=actor, recipient=_recipient(order, data)),
    done_message=_("Recipient changed on %(count)d order(s)."),
    form_class=RecipientForm,
    help_text=_("Leave the name, phone or street address blank to keep it. Then recheck the "
                "order, or release its holds."),
)
SELLER_NOTE = Operation(
    title=_("Seller note"),
    perform=lambda order, data, actor: review.update_seller_note(order, note=data["seller_note"],
                                                                 actor=actor),
    done_message=_("Seller note saved on %(count)d order(s)."),
    form_class=SellerNoteForm,
)
