"""Console pages of channels: the channels (rates shown and entered in percent, the API
secret write-only), their listings (effective price, title check; list and delist through
``channels.actions``) and the price conflicts page. The channel profit report is the
analytics report ``channel_profit``."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import display
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminPasswordWidget

from zhanggui.channels import actions, queries, rules
from zhanggui.channels.models import Channel, ChannelListing
from zhanggui.console import history
from zhanggui.console.formatting import badge, money, percent
from zhanggui.console.mixins import ConsoleModelAdmin, adopt
from zhanggui.console.operations import Operation, run_bulk

VIEW_LISTINGS = "channels.view_channellisting"
RATE_FIELDS = ("commission_rate", "payment_fee_rate", "min_price_ratio")
HUNDRED = Decimal(100)


def channels_urls(site: admin.AdminSite) -> list:
    """The app's own pages, put in front of the admin site's URLs (``zhanggui.urls``)."""
    view = site.admin_view(lambda request: price_conflicts_view(request, site))
    return [path("channels/price-conflicts/", view, name="channels_price_conflicts")]


def price_conflicts_view(request: HttpRequest, site: admin.AdminSite):
    if not request.user.has_perm(VIEW_LISTINGS):
        raise PermissionDenied
    rows = [{**row, "rule_name": rules.RULE_NAMES[row["rule"]], "price_text": money(row["price"]),
             "reference_text": money(row["reference"])} for row in queries.price_conflicts()]
    return TemplateResponse(request, "console/channels/price_conflicts.html", {
        **site.each_context(request), "title": _("Price conflicts"), "rows": rows,
        "rules": list(rules.RULE_NAMES.values())})


class PercentField(forms.DecimalField):
    """A rate stored as a fraction (0.05), shown and entered in percent (5)."""

    def __init__(self, *args, **kwargs):
        kwargs.update(max_digits=7, decimal_places=2, min_value=Decimal(0), max_value=HUNDRED,
                      widget=UnfoldAdminDecimalFieldWidget)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if value in (None, "") or isinstance(value, str):
            return value
        return (Decimal(value) * HUNDRED).normalize()

    def clean(self, value):
        cleaned = super().clean(value)
        return None if cleaned is None else (cleaned / HUNDRED).quantize(Decimal("0.0001"))


class SecretField(forms.CharField):
    """Write-only: never rendered back; left empty, the stored secret is kept."""

    def __init__(self, *args, **kwargs):
        kwargs.update(required=False, widget=UnfoldAdminPasswordWidget(render_value=False))
        super().__init__(*args, **kwargs)


@admin.register(Channel)
class ChannelAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "name", "platform", "commission", "payment_fees", "fee_per_order",
                    "min_ratio", "title_limit", "listed", "is_active")
    list_filter = (("platform", ChoicesDropdownFilter), "is_active")
    search_fields = ("code", "name")
    fieldsets = (
        (None, {"fields": ("code", "name", "platform", "is_active")}),
        (_("Commission and fees"), {"fields": ("commission_rate", "payment_fee_rate",
                                               "fee_per_order_amount", "min_price_ratio")}),
        (_("Stock publishing"), {"fields": ("adapter", "api_url", "api_key", "api_secret",
                                            "sync_lag_minutes", "guard_units")}),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders, price lists and the publish log refer to its code: deactivate it

    def get_queryset(self, request):
        return queries.list_channels()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in RATE_FIELDS:
            label = f"{db_field.verbose_name} (%)"
            return PercentField(label=label, required=True, help_text=_("in percent (5 = 5 %)"))
        if db_field.name == "api_secret":
            return SecretField(label=db_field.verbose_name,
                               help_text=_("write-only: never shown; leave empty to keep the stored one"))
        if db_field.name == "api_url":
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        changed = list(form.changed_data)
        if not form.cleaned_data.get("api_secret"):
            stored = Channel.objects.filter(pk=obj.pk).values_list("api_secret", flat=True).first()
            obj.api_secret = stored or ""
            changed = [name for name in changed if name != "api_secret"]
        adopt(obj, actions.save_channel(obj, actor=request.user, changed_fields=changed))

    @display(description=_("commission"), ordering="commission_rate")
    def commission(self, channel: Channel) -> str:
        return percent(channel.commission_rate)

    @display(description=_("payment and service fees"), ordering="payment_fee_rate")
    def payment_fees(self, channel: Channel) -> str:
        return percent(channel.payment_fee_rate)

    @display(description=_("fee per order"), ordering="fee_per_order_amount")
    def fee_per_order(self, channel: Channel) -> str:
        return money(channel.fee_per_order_amount)

    @display(description=_("lowest price against the own store"), ordering="min_price_ratio")
    def min_ratio(self, channel: Channel) -> str:
        return percent(channel.min_price_ratio, 0)

    @display(description=_("title limit"))
    def title_limit(self, channel: Channel) -> str:
        limit = queries.title_limits().get(channel.code)
        if limit is None:
            return str(_("no title limit: nothing to check"))
        return str(_("%(bytes)d bytes") % {"bytes": limit})

    @display(description=_("on sale"), ordering="listed_count")
    def listed(self, channel: Channel) -> int:
        return channel.listed_count


class ListingForm(forms.ModelForm):
    class Meta:
        model = ChannelListing
        fields = ("channel", "sku", "title", "price_amount", "external_id")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # MoneyField's default is 0.00; an empty price means "the price list, else the SKU's".
        if self.instance.pk is None:
            self.fields["price_amount"].initial = None


LIST = Operation(title=_("Put on sale"), done_message=_("%(count)d listing(s) put on sale."),
                 perform=lambda listing, data, actor: actions.list_listing(listing, actor=actor))
DELIST = Operation(title=_("Take off sale"), done_message=_("%(count)d listing(s) taken off sale."),
                   perform=lambda listing, data, actor: actions.delist_listing(listing, actor=actor))


@admin.register(ChannelListing)
class ChannelListingAdmin(ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    form = ListingForm
    list_display = ("channel", "sku", "shown_title", "effective_price", "status_badge",
                    "external_id", "title_finding")
    list_filter = (("channel", RelatedDropdownFilter), ("status", ChoicesDropdownFilter))
    search_fields = ("sku__code", "sku__product__title", "title", "external_id")
    list_select_related = ("channel", "sku__product")
    autocomplete_fields = ("sku",)
    readonly_fields = ("status", "created_at", "updated_at")
    actions = ["list_selected", "delist_selected"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # taken off sale instead: the publish log refers to it

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "channel", "sku") if obj is not None else fields

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # the page's prices and checks, computed at once
            for row in queries.listing_rows(changelist.result_list):
                row.listing.computed = row
        return response

    def _row(self, listing: ChannelListing) -> queries.ListingRow:
        row = getattr(listing, "computed", None)
        return row if row is not None else queries.listing_rows([listing])[0]

    @display(description=_("title"))
    def shown_title(self, listing: ChannelListing) -> str:
        return self._row(listing).title

    @display(description=_("effective price"))
    def effective_price(self, listing: ChannelListing) -> str:
        row = self._row(listing)
        return f"{money(row.price)} ({rules.SOURCE_NAMES[row.price_source]})"

    @display(description=_("status"), ordering="status")
    def status_badge(self, listing: ChannelListing):
        return badge(listing.status, listing.get_status_display())

    @display(description=_("title check"))
    def title_finding(self, listing: ChannelListing) -> str:
        check = self._row(listing).title_check
        if not check.checked:
            return str(_("no title limit on this channel: nothing to check"))
        params = {"bytes": check.bytes, "limit": check.limit}
        if check.too_long:
            return str(_("too long: %(bytes)d of %(limit)d bytes") % params)
        return str(_("%(bytes)d of %(limit)d bytes") % params)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data
                       if name in ("title", "price_amount", "external_id")}
            saved = actions.update_listing(obj, actor=request.user, **changes)
        else:
            saved = actions.create_listing(
                data["channel"], data["sku"], actor=request.user, title=data.get("title") or "",
                price=data.get("price_amount"), external_id=data.get("external_id") or "")
        adopt(obj, saved)

    @admin.action(description=_("Put selected listings on sale"), permissions=["change"])
    def list_selected(self, request, queryset):
        return run_bulk(self, request, queryset, LIST)

    @admin.action(description=_("Take selected listings off sale"), permissions=["change"])
    def delist_selected(self, request, queryset):
        return run_bulk(self, request, queryset, DELIST)
from zhanggui.console.admin import channels_sync  # noqa: E402,F401  (the stock sync pages)
