"""The campaign page's overview (audience, offer, preview, recipients and messages by
status, results per arm) and the pages around campaigns: the contact policy, the outbox
(read-only) and unsubscriptions (recorded by staff through ``marketing.unsubscribe``)."""

from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import display

from zhanggui.console import history
from zhanggui.console.formatting import badge, money, percent
from zhanggui.console.mixins import ConsoleModelAdmin, ReadOnlyAdminMixin, SingletonAdminMixin, adopt
from zhanggui.customers.models import Customer, SegmentMember
from zhanggui.marketing import campaigns
from zhanggui.marketing import queries_campaigns as queries
from zhanggui.marketing import rules as campaign_rules
from zhanggui.marketing.campaign_render import coupon_text, render_message
from zhanggui.marketing.models_campaigns import (
    Campaign,
    ContactPolicy,
    Message,
    MessageStatus,
    RecipientStatus,
    Unsubscribe,
)
from zhanggui.marketing.unsubscribe import record_unsubscribe


def _sample(campaign: Campaign):
    """A recipient to preview the message for (one with a coupon first), else a member."""
    recipient = (campaign.recipients.select_related("customer", "coupon__template")
                 .exclude(status=RecipientStatus.HELD_OUT)
                 .order_by(F("coupon_id").asc(nulls_last=True), "id")
                 .first())
    if recipient is not None:
        return recipient.customer, recipient.coupon
    member = (SegmentMember.objects.filter(segment=campaign.segment).select_related("customer")
              .order_by("customer_id").first())
    return (member.customer if member else Customer.objects.filter(is_guest=False)
            .order_by("id").first()), None


def _result_rows(campaign: Campaign, *, show_profit: bool) -> list[dict]:
    """The campaign's results per arm; gross profit (it tells the cost of goods) only for
    viewers who may see costs, as in the campaigns report."""
    rows = []
    for result in queries.campaign_results(campaign):
        rows.append({
            "arm": result.arm or str(_("whole campaign")), "recipients": result.recipients,
            "reached": result.reached, "converted": result.converted, "orders": result.orders,
            "conversion": percent(campaign_rules.campaign_conversion_rate(result.converted,
                                                                          result.reached)),
            "gmv": money(result.gmv_amount),
            "gross_profit": money(result.gross_profit_amount) if show_profit else "—",
            "discount": money(result.discount_amount), "cost": money(result.cost_amount),
            "roi": _ratio(campaign_rules.roi(result.gmv_amount, result.cost_amount)),
            "gross_profit_roi": _ratio(campaign_rules.gross_profit_roi(
                result.gross_profit_amount, result.cost_amount)) if show_profit else "—",
            "computed_at": result.computed_at})
    return rows


def _ratio(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def _labels(counts: dict[str, int], choices) -> list[tuple[str, str, int]]:
    names = dict(choices)
    return [(code, str(names.get(code, code)), n) for code, n in sorted(counts.items())]


def campaign_overview(campaign: Campaign, *, show_profit: bool) -> dict:
    customer, coupon = _sample(campaign)
    previews = []
    if customer is not None:
        for channel in campaign.channels:
            previews.append((channel, render_message(campaign, customer, coupon, channel)))
    offer = (f"{campaign.coupon_template} ({coupon_text(campaign.coupon_template)})"
             if campaign.coupon_template_id else str(campaign.promotion or "—"))
    return {
        "campaign_audience": campaign.segment, "campaign_offer": offer,
        "campaign_preview_customer": customer, "campaign_previews": previews,
        "campaign_recipients": _labels(queries.recipients_by_status(campaign),
                                       RecipientStatus.choices),
        "campaign_messages": _labels(queries.messages_by_status(campaign),
                                     MessageStatus.choices),
        "campaign_skips": sorted(queries.skip_reasons(campaign).items()),
        "campaign_results": _result_rows(campaign, show_profit=show_profit),
    }


@admin.register(ContactPolicy)
class ContactPolicyAdmin(SingletonAdminMixin, ConsoleModelAdmin):
    change_form_after_template = history.TEMPLATE
    list_display = ("__str__", "max_messages", "cap_days", "quiet_start", "quiet_end",
                    "attribution_days", "email_cost_amount", "sms_cost_amount",
                    "push_cost_amount")
    fields = campaigns.POLICY_FIELDS


    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: ContactPolicy, form, change: bool) -> None:
        saved = campaigns.save_contact_policy(
            actor=request.user, **{name: form.cleaned_data[name] for name in self.fields})
        adopt(obj, saved)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ("idempotency_key", "campaign", "customer", "channel", "status_badge",
                    "send_after", "attempts", "sent_at", "last_error")
    list_filter = (("status", ChoicesDropdownFilter), ("channel", ChoicesDropdownFilter),
                   ("campaign", RelatedDropdownFilter))
    list_select_related = ("campaign", "customer")
    search_fields = ("idempotency_key", "customer__code", "campaign__code")
    fields = ("idempotency_key", "campaign", "customer", "channel", "status", "subject", "body",
              "send_after", "attempts", "claimed_at", "sent_at", "provider_id", "cost_amount",
              "last_error", "created_at")
    readonly_fields = fields

    @display(description=_("status"), ordering="status")
    def status_badge(self, message: Message) -> str:
        return badge(message.status, message.get_status_display())


@admin.register(Unsubscribe)
class UnsubscribeAdmin(ConsoleModelAdmin):
    list_display = ("customer", "channel_display", "source", "created_at")
    list_filter = (("channel", ChoicesDropdownFilter),)
    list_select_related = ("customer",)
    search_fields = ("customer__code", "customer__nickname")
    fields = ("customer", "channel")
    autocomplete_fields = ("customer",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @display(description=_("channel"), ordering="channel")
    def channel_display(self, row: Unsubscribe) -> str:
        return row.get_channel_display() if row.channel else str(_("every channel"))

    def save_model(self, request, obj: Unsubscribe, form, change: bool) -> None:
        saved = record_unsubscribe(form.cleaned_data["customer"],
                                   channel=form.cleaned_data["channel"] or "", source="staff",
                                   actor=request.user)
        adopt(obj, saved)
