"""Console pages of campaigns: the list (status, audience, sent, and from the stored results
attributed GMV, ROI and gross-profit ROI side by side), the campaign's page (goal, period,
budget, audience with its size, offer, channels, the message rendered for a sample
recipient, recipients and messages by status, results per arm) with prepare / send / cancel
as operations; the contact policy; the outbox (read-only) and unsubscriptions.

Every write goes through ``marketing.campaigns`` and ``marketing.unsubscribe``.
"""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import ChoicesDropdownFilter, RelatedDropdownFilter
from unfold.decorators import action, display

from zhanggui.console import history
from zhanggui.console.admin.campaigns_pages import (
    ContactPolicyAdmin,  # noqa: F401  (registered there)
    campaign_overview,
)
from zhanggui.console.formatting import badge, money
from zhanggui.console.forms import ReasonForm
from zhanggui.console.mixins import COST_PERMISSION, ConsoleModelAdmin, adopt, permission_check
from zhanggui.console.operations import Operation, run_single
from zhanggui.core.timeutil import day_range
from zhanggui.marketing import campaigns
from zhanggui.marketing import queries_campaigns as queries
from zhanggui.marketing import rules as campaign_rules
from zhanggui.marketing.models_campaigns import (
    Campaign,
    CampaignResult,
    CampaignStatus,
    MessageChannel,
    MessageStatus,
)

Status = CampaignStatus
STEPS = {"prepare_one": (Status.DRAFT, Status.SCHEDULED),
         "send_one": (Status.SCHEDULED, Status.SENDING),
         "cancel_one": (Status.DRAFT, Status.SCHEDULED, Status.SENDING)}
EDITABLE = ("name", "goal", "starts_at", "ends_at", "budget_amount", "fixed_cost_amount",
            "segment", "coupon_template", "promotion", "channels", "subject", "body")


def _prepare(campaign, data, actor):
    return campaigns.prepare_campaign(campaign, actor=actor)


def _send(campaign, data, actor):
    return campaigns.send_campaign(campaign, actor=actor)


PREPARE = Operation(
    title=_("Prepare the campaign"), perform=_prepare,
    done_message=_("Recipients chosen and coupons issued."),
    help_text=_("Every member of the audience segment becomes a recipient (guest checkouts "
                "left out), in an A/B arm when the campaign has a test, and gets one coupon. "
                "Preparing again adds only new members."))
SEND = Operation(
    title=_("Send the campaign"), perform=_send, done_message=_("Messages queued for sending."),
    help_text=_("One message per recipient and channel is queued: unsubscribed customers, "
                "customers over the frequency cap and missing addresses are skipped; quiet "
                "hours delay the sending. Refused when the estimated cost exceeds the "
                "budget. Sending again queues only what is missing."))
CANCEL = Operation(
    title=_("Cancel the campaign"),
    perform=lambda campaign, data, actor: campaigns.cancel_campaign(
        campaign, reason=data["reason"], actor=actor),
    done_message=_("Campaign cancelled."), form_class=ReasonForm,
    help_text=_("Queued messages are not sent; messages already sent and coupons issued "
                "stay."))


class StartsTodayFilter(admin.SimpleListFilter):
    """Prepared or sending campaigns whose period starts today (the workbench counts the
    same)."""

    title = _("starts")
    parameter_name = "starts"

    def lookups(self, request, model_admin):
        return [("today", _("today"))]

    def queryset(self, request, queryset):
        if self.value() == "today":
            today = timezone.localdate()
            ids = queries.campaigns_starting_between(*day_range(today, today + timedelta(days=1)))
            return queryset.filter(pk__in=ids.values("pk"))
        return queryset


class CampaignForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(label=_("channels"), choices=MessageChannel.choices,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Campaign
        fields = EDITABLE


def _whole(campaign: Campaign) -> CampaignResult | None:
    return next((r for r in campaign.results.all() if r.arm == ""), None)


def roi_text(value: Decimal | None) -> str:
    """GLOSSARY ``roi``: a ratio shown with two decimals (2.50), "—" without a cost."""
    return "—" if value is None else f"{value:.2f}"


@admin.register(Campaign)
class CampaignAdmin(ConsoleModelAdmin):
    form = CampaignForm
    change_form_before_template = "console/campaigns/overview.html"
    change_form_after_template = history.TEMPLATE
    list_display = ("code", "name", "goal", "status_badge", "starts_at", "audience_size",
                    "sent_count", "gmv", "roi", "gross_profit_roi")
    list_filter = (("status", ChoicesDropdownFilter), StartsTodayFilter,
                   ("goal", ChoicesDropdownFilter), ("segment", RelatedDropdownFilter))
    search_fields = ("code", "name")
    list_select_related = ("segment",)
    autocomplete_fields = ()
    readonly_fields = ("code", "status_badge", "prepared_at", "sent_at", "cancelled_at",
                       "cancel_reason", "created_by", "channels_display")
    actions_detail = ["prepare_one", "send_one", "cancel_one"]

    has_send_campaign_permission = permission_check("marketing.send_campaign")
    has_change_campaign_permission = permission_check("marketing.change_campaign")

    def get_fieldsets(self, request, obj=None):
        main = (None, {"fields": ("name", "goal", "starts_at", "ends_at", "budget_amount",
                                  "fixed_cost_amount")})
        audience = (_("Audience and offer"), {"fields": ("segment", "coupon_template",
                                                         "promotion")})
        editable = obj is None or self.has_change_permission(request, obj)
        message = (_("Message"), {"fields": ("channels" if editable else "channels_display",
                                             "subject", "body")})
        if obj is None:
            return [main, audience, message]
        state = (_("State"), {"fields": ("code", "status_badge", "prepared_at", "sent_at",
                                         "cancelled_at", "cancel_reason", "created_by")})
        return [state, main, audience, message]

    @display(description=_("channels"))
    def channels_display(self, campaign: Campaign) -> str:
        labels = dict(MessageChannel.choices)
        return "、".join(str(labels.get(channel, channel)) for channel in campaign.channels)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            sent_messages=Count("messages", filter=Q(messages__status=MessageStatus.SENT))
        ).prefetch_related(Prefetch("results", queryset=CampaignResult.objects.order_by("arm")))

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or obj.status == Status.DRAFT)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancelled with a reason, never deleted

    def detail_action_possible(self, campaign: Campaign, action_name: str) -> bool:
        return campaign.status in STEPS.get(action_name, tuple(Status.values))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj):
            extra_context = {**(extra_context or {}), **campaign_overview(
                obj, show_profit=request.user.has_perm(COST_PERMISSION))}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj: Campaign, form, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in EDITABLE}
        if change:
            saved = campaigns.update_campaign(obj, actor=request.user, **data)
        else:
            saved = campaigns.create_campaign(actor=request.user, **data)
        adopt(obj, saved)

    # ---- columns ----

    @display(description=_("status"), ordering="status")
    def status_badge(self, campaign: Campaign) -> str:
        return badge(campaign.status, campaign.get_status_display())

    @display(description=_("audience"))
    def audience_size(self, campaign: Campaign) -> int:
        return campaign.segment.member_count

    @display(description=_("sent"), ordering="sent_messages")
    def sent_count(self, campaign: Campaign) -> int:
        return getattr(campaign, "sent_messages", 0)

    @display(description=_("attributed GMV"))
    def gmv(self, campaign: Campaign) -> str:
        result = _whole(campaign)
        return money(result.gmv_amount) if result else "—"

    @display(description=_("ROI"))
    def roi(self, campaign: Campaign) -> str:
        result = _whole(campaign)
        return roi_text(campaign_rules.roi(result.gmv_amount, result.cost_amount)) \
            if result else "—"

    def get_list_display(self, request):
        """Gross-profit ROI (it tells the cost of goods) only for viewers who may see costs."""
        shown = super().get_list_display(request)
        if request.user.has_perm(COST_PERMISSION):
            return shown
        return tuple(name for name in shown if name != "gross_profit_roi")

    @display(description=_("gross-profit ROI"))
    def gross_profit_roi(self, campaign: Campaign) -> str:
        result = _whole(campaign)
        return roi_text(campaign_rules.gross_profit_roi(result.gross_profit_amount,
                                                        result.cost_amount)) if result else "—"

    # ---- operations ----

    @action(description=_("Prepare"), permissions=["change_campaign"], icon="group_add",
            url_path="prepare")
    def prepare_one(self, request, object_id):
        return run_single(self, request, object_id, PREPARE)

    @action(description=_("Send"), permissions=["send_campaign"], icon="send", url_path="send")
    def send_one(self, request, object_id):
        return run_single(self, request, object_id, SEND)

    @action(description=_("Cancel"), permissions=["change_campaign"], icon="cancel",
            url_path="cancel")
    def cancel_one(self, request, object_id):
        return run_single(self, request, object_id, CANCEL)
