"""Console pages of pricing: promotions, coupon templates and codes, shipping templates,
price lists and member tiers; the "try a cart" preview and the promotion eligibility
pre-check (custom pages mounted on the promotion admin).

Saves go through ``pricing.actions``; counters (uses, amount, units sold) are read-only here.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from zhanggui.accounts.actions import delete_record
from zhanggui.catalog.models import Sku
from zhanggui.console.admin.insights_simulation import TEMPLATE as SIMULATIONS_TEMPLATE
from zhanggui.console.admin.insights_simulation import PromotionSimulations
from zhanggui.console.formatting import badge, money
from zhanggui.console.forms import _text, customer_field
from zhanggui.console.mixins import (
    ConsoleModelAdmin,
    MasterDataAdmin,
    ReadOnlyAdminMixin,
    permission_check,
)
from zhanggui.console.operations import Operation, OperationForm, run_single
from zhanggui.core.errors import DomainError
from zhanggui.core.regions import PROVINCE_CHOICES
from zhanggui.customers.models import Customer
from zhanggui.orders.models import OrderLine
from zhanggui.orders.rules import PAID_STATES
from zhanggui.pricing import actions, membership, queries, rules, rules_prices
from zhanggui.pricing.models import (
    Coupon,
    CouponTemplate,
    CustomerMembership,
    MemberTier,
    OfferUsage,
    PriceHistory,
    PriceList,
    PriceListEntry,
    Promotion,
    ShippingRegionRule,
    ShippingTemplate,
    SkuShippingSize,
)

PRICE_CART = "pricing.price_cart"


def _state(offer, now) -> tuple[str, str]:
    if not offer.is_active:
        return "inactive", str(_("inactive"))
    if offer.starts_at and offer.starts_at > now:
        return "scheduled", str(_("scheduled"))
    if offer.ends_at and offer.ends_at <= now:
        return "ended", str(_("ended"))
    return "live", str(_("live"))


STATE_COLOURS = {"live": "success", "scheduled": "info", "ended": "danger", "inactive": "warning"}


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("live", _("live")), ("scheduled", _("scheduled"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("live", "scheduled"):
            ids = queries.list_promotions(state=self.value()).values("pk")
            return queryset.filter(pk__in=ids)
        return queryset


class BudgetColumns:
    @display(description=_("state"))
    def state_badge(self, offer) -> str:
        value, label = _state(offer, timezone.now())
        return badge({"live": "ok", "ended": "low"}.get(value, value), label)

    @display(description=_("budget used"))
    def budget_display(self, offer) -> str:
        used = queries.budget_used(offer)
        parts = [f"{used['uses']}" + (f" / {used['uses_budget']}" if used["uses_budget"] else "")]
        amount = money(used["amount"])
        if used["amount_budget"]:
            amount += f" / {money(used['amount_budget'])}"
        return f"{parts[0]} · {amount}"


@admin.register(Promotion)
class PromotionAdmin(PromotionSimulations, BudgetColumns, ConsoleModelAdmin):
    list_display = ("name", "kind", "state_badge", "starts_at", "ends_at", "exclusion_group",
                    "budget_display", "flash_display")
    list_filter = (StateFilter, "kind", "is_active")
    search_fields = ("name", "exclusion_group")
    readonly_fields = ("used_count", "used_amount", "sold_units")
    fieldsets = [
        (None, {"fields": ("name", "kind", "is_active", ("starts_at", "ends_at"), "priority",
                           "exclusion_group", "is_coupon_allowed")}),
        (_("Scope and eligibility"), {"fields": ("scope", "scope_ids", "member_tiers", "customer_tags",
                                                 "channels", "segments", "is_birthday_only",
                                                 "is_new_customers_only")}),
        (_("Offer"), {"fields": ("discount_rate", "discount_amount", "special_price_amount", "tiers",
                                 "is_repeating", "max_discount_amount", "min_amount", "min_quantity",
                                 "free_quantity", "gift_sku", "gift_quantity",
                                 "min_quantity_free_shipping")}),
        (_("Budget and limits"), {"fields": ("budget_uses", "budget_amount", "per_customer_limit",
                                             "stock_cap", "per_buyer_limit", "used_count",
                                             "used_amount", "sold_units")}),
    ]
    autocomplete_fields = ("gift_sku",)
    actions_list = ["try_cart", "eligibility_check"]
    actions_detail = ["simulate_one"]  # insights: replay on a past period
    change_form_after_template = SIMULATIONS_TEMPLATE

    has_price_cart_permission = permission_check(PRICE_CART)

    @display(description=_("flash sale sold"))
    def flash_display(self, promotion: Promotion) -> str:
        if promotion.kind != "flash_sale":
            return "—"
        return f"{promotion.sold_units} / {promotion.stock_cap if promotion.stock_cap is not None else '∞'}"

    def get_changeform_initial_data(self, request):
        """GET values pre-fill the add form (a bundle suggested by basket analysis); the
        scope ids come as "3,5" and the JSON field wants the list."""
        initial = super().get_changeform_initial_data(request)
        if isinstance(initial.get("scope_ids"), str):
            initial["scope_ids"] = [int(i) for i in initial["scope_ids"].split(",") if i.strip().isdigit()]
        return initial

    def save_model(self, request, obj, form, change):
        actions.save_promotion(obj, actor=request.user)

    def delete_model(self, request, obj):
        delete_record(obj, actor=request.user)

    @action(description=_("Try a cart"), url_path="try-cart-link", icon="shopping_cart",
            permissions=["price_cart"])
    def try_cart(self, request):
        return redirect(reverse("admin:pricing_try_cart"))

    @action(description=_("Eligibility check"), url_path="eligibility-link", icon="fact_check")
    def eligibility_check(self, request):
        return redirect(reverse("admin:pricing_eligibility"))

    def get_urls(self):
        site = self.admin_site
        return [
            path("try-cart/", site.admin_view(lambda r: try_cart_view(r, site)), name="pricing_try_cart"),
            path("eligibility/", site.admin_view(lambda r: eligibility_view(r, site)),
                 name="pricing_eligibility"),
            *super().get_urls(),
        ]


class IssueForm(OperationForm):
    count = forms.IntegerField(label=_("codes for anyone"), min_value=0, max_value=10000, initial=1,
                               widget=UnfoldAdminIntegerFieldWidget())
    customer_codes = _text(_("customer numbers (one code each, comma-separated)"), required=False,
                           max_length=2000)

    def clean(self):
        data = super().clean()
        codes = [c.strip() for c in (data.get("customer_codes") or "").split(",") if c.strip()]
        customers = list(Customer.objects.filter(code__in=codes))
        if len(customers) != len(set(codes)):
            raise forms.ValidationError(_("Unknown customer number."))
        data["customers"] = customers
        return data


ISSUE = Operation(
    title=_("Issue coupon codes"),
    perform=lambda template, data, actor: actions.issue_coupons(
        template, customers=data["customers"], count=data["count"], actor=actor),
    done_message=_("Coupon codes issued."),
    form_class=IssueForm,
)


@admin.register(CouponTemplate)
class CouponTemplateAdmin(BudgetColumns, ConsoleModelAdmin):
    list_display = ("name", "kind", "state_badge", "discount_rate", "discount_amount", "min_amount",
                    "issued_count", "budget_display")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    readonly_fields = ("issued_count", "used_count", "used_amount")
    actions_detail = ["issue_codes"]

    has_add_coupon_permission = permission_check("pricing.add_coupon")

    def save_model(self, request, obj, form, change):
        actions.save_coupon_template(obj, actor=request.user)

    def delete_model(self, request, obj):
        delete_record(obj, actor=request.user)

    @action(description=_("Issue codes"), url_path="issue", icon="confirmation_number",
            permissions=["add_coupon"])
    def issue_codes(self, request, object_id):
        return run_single(self, request, object_id, ISSUE)


@admin.register(Coupon)
class CouponAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("code", "template", "customer", "status", "issued_at", "valid_until", "used_at",
                    "order_reference")
    list_filter = ("status", "template")
    search_fields = ("code", "order_reference", "customer__code")
    list_select_related = ("template", "customer")


class RegionRuleInline(TabularInline):
    model = ShippingRegionRule
    extra = 0
    fields = ("province_codes", "first_fee_amount", "additional_fee_amount", "is_excluded")


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(ConsoleModelAdmin):
    list_display = ("name", "basis", "first_units", "first_fee_amount", "additional_units",
                    "additional_fee_amount", "is_remote_excluded", "free_over_amount", "is_default")
    inlines = [RegionRuleInline]

    def save_model(self, request, obj, form, change):
        actions.save_shipping_template(obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ShippingRegionRule:
            return super().save_formset(request, form, formset, change)
        kept = [f.cleaned_data for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        actions.save_shipping_template(form.instance, actor=request.user, region_rules=[
            {key: row[key] for key in ("province_codes", "first_fee_amount", "additional_fee_amount",
                                       "is_excluded")} for row in kept])
        return None

    def delete_model(self, request, obj):
        delete_record(obj, actor=request.user)


class PriceEntryInline(TabularInline):
    model = PriceListEntry
    extra = 0
    autocomplete_fields = ("sku",)


@admin.register(PriceList)
class PriceListAdmin(MasterDataAdmin):
    list_display = ("name", "kind", "tier", "channel", "is_active")
    inlines = [PriceEntryInline]

    def save_formset(self, request, form, formset, change):
        from zhanggui.accounts.actions import save_record

        for inline_form in formset.forms:
            if not inline_form.cleaned_data:
                continue
            if inline_form.cleaned_data.get("DELETE") and inline_form.instance.pk:
                delete_record(inline_form.instance, actor=request.user)
            elif inline_form.has_changed() and not inline_form.cleaned_data.get("DELETE"):
                entry = inline_form.save(commit=False)
                save_record(entry, actor=request.user, changed_fields=inline_form.changed_data)


@admin.register(SkuShippingSize)
class SkuShippingSizeAdmin(MasterDataAdmin):
    list_display = ("sku", "volume_cm3")
    autocomplete_fields = ("sku",)
    search_fields = ("sku__code",)


@admin.register(MemberTier)
class MemberTierAdmin(MasterDataAdmin):
    list_display = ("code", "name", "rank", "min_spend_amount", "min_points", "points_multiplier")

    def save_model(self, request, obj, form, change):
        membership.save_member_tier(obj, actor=request.user)


@admin.register(CustomerMembership)
class CustomerMembershipAdmin(ConsoleModelAdmin):
    list_display = ("customer", "tier", "tier_since", "reviewed_at", "updated_at")
    list_filter = ("tier",)
    readonly_fields = ("tier_since", "reviewed_at")  # set by upgrades and reviews
    autocomplete_fields = ("customer",)

    def save_model(self, request, obj, form, change):
        actions.set_member_tier(obj.customer, tier=obj.tier, actor=request.user)

    def delete_model(self, request, obj):
        actions.set_member_tier(obj.customer, tier=None, actor=request.user)


@admin.register(PriceHistory)
class PriceHistoryAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("sku", "price_amount", "source", "recorded_at")
    search_fields = ("sku__code",)
    list_select_related = ("sku",)


@admin.register(OfferUsage)
class OfferUsageAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("used_at", "order_reference", "promotion", "coupon_template", "customer", "units",
                    "discount_amount")
    list_select_related = ("promotion", "coupon_template", "customer")
    search_fields = ("order_reference",)


# ---- try a cart ---------------------------------------------------------------------------

class TryCartForm(forms.Form):
    lines = forms.CharField(
        label=_("cart lines"), widget=UnfoldAdminTextareaWidget(attrs={"rows": 5}),
        help_text=_("one line per SKU: SKU code and quantity, e.g. “SKU000123 2”"))
    customer_code = customer_field()
    province_code = forms.ChoiceField(label=_("province"), choices=[("", "—"), *PROVINCE_CHOICES],
                                      required=False, widget=UnfoldAdminSelectWidget())
    channel = forms.CharField(label=_("channel"), initial="own", widget=UnfoldAdminTextInputWidget())
    coupon_codes = forms.CharField(label=_("coupon codes"), required=False,
                                   widget=UnfoldAdminTextInputWidget())

    def clean_lines(self):
        demand, codes = {}, {}
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not raw.strip():
                continue
            parts = raw.replace("×", " ").replace("x", " ").split()
            if len(parts) == 1:
                parts.append("1")
            if len(parts) != 2 or not parts[1].isdigit() or int(parts[1]) <= 0:
                raise forms.ValidationError(_("Line %(n)d: write a SKU code and a quantity.") % {"n": number})
            codes[parts[0]] = codes.get(parts[0], 0) + int(parts[1])
        skus = {s.code: s.pk for s in Sku.objects.filter(code__in=codes)}
        missing = sorted(set(codes) - set(skus))
        if missing:
            raise forms.ValidationError(_("Unknown SKU code: %(code)s") % {"code": missing[0]})
        if not codes:
            raise forms.ValidationError(_("Add at least one line."))
        for code, quantity in codes.items():
            demand[skus[code]] = quantity
        return demand



def _render(request, site, template: str, title, **context):
    return TemplateResponse(request, f"pricing/{template}", {
        **site.each_context(request), "title": title, "opts": Promotion._meta, **context})


STAGE_LABELS = {"item": _("1 · item offer"), "order": _("2 · order offer"), "coupon": _("3 · coupon"),
                "manual": _("3 · seller discount"), "shipping": _("4 · shipping")}
REASON_LABELS = {"condition not met": _("condition not met"),
                 "exclusion group": _("a better offer of its group"),
                 "budget used up": _("budget used up"), "sold out": _("sold out"),
                 "minimum spend not reached": _("minimum spend not reached"),
                 "one coupon per order": _("one coupon per order"), "not started": _("not started"),
                 "ended": _("ended"), "member tier": _("member tier"), "customer tags": _("customer tags"),
                 "other channel": _("other channel"), "new customers only": _("new customers only")}


def _present(breakdown: rules.Breakdown, skus: dict[int, Sku]) -> dict:
    names = {d.key: d.name for d in breakdown.discounts}
    lines = [{"sku": skus[x.sku_id], "line": x,
              "shares": [(names.get(k, k), v) for k, v in x.allocations.items()]}
             for x in breakdown.lines]
    discounts = [{"discount": d, "stage": STAGE_LABELS.get(d.stage, d.stage)} for d in breakdown.discounts]
    not_applied = [(_offer_name(key), REASON_LABELS.get(reason, reason))
                   for key, reason in breakdown.not_applied]
    return {"lines": lines, "breakdown": breakdown, "discounts": discounts, "not_applied": not_applied,
            "threshold_warnings": [{**w, "name": _offer_name(w["key"])}
                                   for w in rules.threshold_warnings(breakdown)]}


def _offer_name(key: str) -> str:
    kind, _sep, ident = key.partition(":")
    if kind == "promotion" and ident.isdigit():
        promotion = Promotion.objects.filter(pk=int(ident)).first()
        return promotion.name if promotion else key
    return key


def try_cart_view(request: HttpRequest, site):
    """Price a cart as an order would be priced, without placing it, and explain it."""
    if not request.user.has_perm(PRICE_CART):
        raise PermissionDenied
    form = TryCartForm(request.POST or None)
    result, error = None, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [c for c in data["coupon_codes"].replace(",", " ").split() if c]
        try:
            breakdown, _data = queries.price_cart(data["customer_code"], data["lines"],
                                                  channel=data["channel"] or "own",
                                                  province_code=data["province_code"], coupon_codes=codes)
        except DomainError as exc:
            error = str(exc)
        else:
            result = _present(breakdown, queries.load_skus(data["lines"]))
    return _render(request, site, "try_cart.html", _("Try a cart"), form=form, result=result,
                   error=error)


# ---- eligibility pre-check ----------------------------------------------------------------

class EligibilityForm(forms.Form):
    sku_code = forms.CharField(label=_("SKU code"), widget=UnfoldAdminTextInputWidget())
    event_price = forms.DecimalField(label=_("event price"), min_value=Decimal("0"), decimal_places=2,
                                     max_digits=14, widget=UnfoldAdminDecimalFieldWidget())

    def clean_sku_code(self):
        sku = Sku.objects.filter(code=self.cleaned_data["sku_code"].strip()).first()
        if sku is None:
            raise forms.ValidationError(_("Unknown SKU code: %(code)s")
                                        % {"code": self.cleaned_data["sku_code"]})
        return sku


PROBLEM_TEXT = {
    "price_above_30_day_lowest": _("The event price is above the lowest price of the last %(days)d days."),
    "not_enough_sales": _("Fewer than %(min_sales)d units sold so far."),
}


def eligibility_view(request: HttpRequest, site):
    """May this SKU join a promotion event? Price at or below its 30-day lowest, and enough
    sales history (thresholds in ``settings.ZHANGGUI``)."""
    if not request.user.has_perm("pricing.view_promotion"):
        raise PermissionDenied
    form = EligibilityForm(request.POST or None)
    result = None
    days = settings.ZHANGGUI["PROMOTION_LOWEST_PRICE_DAYS"]
    min_sales = settings.ZHANGGUI["PROMOTION_MIN_SALES"]
    if request.method == "POST" and form.is_valid():
        sku = form.cleaned_data["sku_code"]
        lowest = queries.lowest_price_in(sku, days=days)
        sold = (OrderLine.objects.filter(sku=sku, order__status__in=PAID_STATES)
                .aggregate(units=Sum("quantity"))["units"] or 0)
        problems = rules_prices.eligibility_problems(event_price=form.cleaned_data["event_price"],
                                              lowest_30_days=lowest, units_sold=sold, min_sales=min_sales)
        result = {"sku": sku, "lowest": lowest, "sold": sold, "eligible": not problems,
                  "problems": [PROBLEM_TEXT[p] % {"days": days, "min_sales": min_sales} for p in problems]}
    return _render(request, site, "eligibility.html", _("Promotion eligibility check"), form=form,
                   result=result, days=days, min_sales=min_sales)
