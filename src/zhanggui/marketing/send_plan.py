"""Sending a campaign: one outbox message per waiting recipient and channel.

For each recipient still waiting and each of the campaign's channels, in order: an
unsubscription (that channel or all) skips it ("unsubscribed"); no address on that channel
skips it ("no_address"); the frequency cap skips what exceeds the customer's allowance
("capped": marketing messages sent within ``ContactPolicy.cap_days``, and ones still queued,
count against ``max_messages``). A message is not sent before the campaign starts nor in the
quiet hours (``send_after`` moves to their end, in the shop's time zone). A recipient with
nothing left to send is skipped with the first reason.

The budget is checked before anything is written: the fixed cost plus each message the
campaign has queued or sent (and will queue now) at the policy's cost of its channel must not
exceed the campaign's budget. Coupons' discounts are not part of this estimate (what they cost
shows in the results, ``discount_amount``).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.marketing import contact_rules
from zhanggui.marketing import events as marketing_events
from zhanggui.marketing.campaign_render import render_message
from zhanggui.marketing.errors_campaigns import (
    CampaignEnded,
    CampaignOverBudget,
    CampaignStateError,
)
from zhanggui.marketing.models_campaigns import (
    Campaign,
    CampaignStatus,
    ContactPolicy,
    Message,
    MessageStatus,
    Recipient,
    RecipientStatus,
    Unsubscribe,
)
from zhanggui.marketing.queries_campaigns import contact_policy
from zhanggui.marketing.senders import get_sender

SENDABLE = (CampaignStatus.SCHEDULED, CampaignStatus.SENDING, CampaignStatus.SENT)


@dataclass
class SendResult:
    queued: int = 0
    skipped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    estimated_cost: Decimal = Decimal("0.00")


def message_key(campaign_id: int, customer_id: int, channel: str) -> str:
    return f"c{campaign_id}:{customer_id}:{channel}"


def channel_cost(policy: ContactPolicy, channel: str) -> Decimal:
    return getattr(policy, f"{channel}_cost_amount")


def _allowances(policy: ContactPolicy, customer_ids: list[int], now) -> dict[int, int]:
    since = now - timedelta(days=policy.cap_days)
    counted = (Message.objects.filter(customer_id__in=customer_ids, campaign__isnull=False)
               .filter(Q(status=MessageStatus.SENT, sent_at__gte=since)
                       | Q(status__in=(MessageStatus.QUEUED, MessageStatus.SENDING)))
               .values("customer_id").annotate(n=Count("id")).order_by())
    used = {row["customer_id"]: row["n"] for row in counted}
    return {cid: contact_rules.messages_allowed(used.get(cid, 0), policy.max_messages)
            for cid in customer_ids}


def _unsubscribed(customer_ids: list[int]) -> set[tuple[int, str]]:
    return set(Unsubscribe.objects.filter(customer_id__in=customer_ids)
               .values_list("customer_id", "channel"))


def _plan(campaign: Campaign, recipients: list[Recipient], policy: ContactPolicy, now,
          send_after) -> tuple[list[Message], list[Recipient], SendResult]:
    ids = [r.customer_id for r in recipients]
    allowed, unsubscribed = _allowances(policy, ids, now), _unsubscribed(ids)
    existing = set(campaign.messages.values_list("idempotency_key", flat=True))
    messages, skipped, result = [], [], SendResult()
    for recipient in recipients:
        reasons, queued = [], 0
        for channel in campaign.channels:
            key = message_key(campaign.pk, recipient.customer_id, channel)
            if key in existing:
                queued += 1
                continue
            customer = recipient.customer
            if {(customer.pk, ""), (customer.pk, channel)} & unsubscribed:
                reasons.append("unsubscribed")
            elif not get_sender(channel).address_for(customer):
                reasons.append("no_address")
            elif allowed[customer.pk] <= 0:
                reasons.append("capped")
            else:
                allowed[customer.pk] -= 1
                queued += 1
                rendered = render_message(campaign, customer, recipient.coupon, channel)
                messages.append(Message(
                    idempotency_key=key, campaign=campaign, recipient=recipient,
                    customer=customer, channel=channel, subject=rendered.subject,
                    body=rendered.body, send_after=send_after))
        if not queued and reasons:
            recipient.status, recipient.skip_reason = RecipientStatus.SKIPPED, reasons[0]
            skipped.append(recipient)
            result.reasons[reasons[0]] = result.reasons.get(reasons[0], 0) + 1
    result.queued, result.skipped = len(messages), len(skipped)
    return messages, skipped, result


def _estimate(campaign: Campaign, new: list[Message], policy: ContactPolicy) -> Decimal:
    live = campaign.messages.exclude(status=MessageStatus.CANCELLED).values_list("channel",
                                                                                  flat=True)
    channels = [*live, *(m.channel for m in new)]
    return campaign.fixed_cost_amount + sum((channel_cost(policy, ch) for ch in channels),
                                            Decimal("0.00"))


@transaction.atomic
def send_campaign(campaign: Campaign, *, actor: Staff | None) -> SendResult:
    """Queue the campaign's messages (see the module's text) and start delivering them.
    Sending again queues only what is missing: never a second copy.

    Raises:
        CampaignStateError: a draft (prepare it first) or a cancelled campaign.
        CampaignEnded: the period is over.
        CampaignOverBudget: the estimated cost exceeds the budget (nothing queued).
    """
    campaign = Campaign.objects.select_for_update(of=("self",), no_key=True).select_related(
        "coupon_template").get(pk=campaign.pk)
    if campaign.status not in SENDABLE:
        raise CampaignStateError(status=campaign.get_status_display(), step=_("sent"))
    now = timezone.now()
    if campaign.ends_at <= now:
        raise CampaignEnded(ends_at=timezone.localtime(campaign.ends_at).strftime("%Y-%m-%d %H:%M"))
    policy = contact_policy()
    send_after = contact_rules.next_send_time(
        max(now, campaign.starts_at), quiet_start=policy.quiet_start,
        quiet_end=policy.quiet_end, tz=timezone.get_current_timezone())
    recipients = list(campaign.recipients.select_for_update(of=("self",), no_key=True)
                      .filter(status=RecipientStatus.PENDING)
                      .select_related("customer", "coupon__template").order_by("id"))
    messages, skipped, result = _plan(campaign, recipients, policy, now, send_after)
    result.estimated_cost = _estimate(campaign, messages, policy)
    if result.estimated_cost > campaign.budget_amount:
        raise CampaignOverBudget(estimate=result.estimated_cost, budget=campaign.budget_amount)
    Message.objects.bulk_create(messages, batch_size=1000)
    Recipient.objects.bulk_update(skipped, ["status", "skip_reason"], batch_size=1000)
    if campaign.status == CampaignStatus.SCHEDULED:
        campaign.status = CampaignStatus.SENDING
        campaign.save(update_fields=["status", "updated_at"])
    log_operation(campaign, action="marketing.send_campaign", actor=actor,
                  after={"queued": result.queued, "skipped": result.skipped,
                         "reasons": result.reasons, "estimated_cost": str(result.estimated_cost),
                         "send_after": send_after.isoformat()})
    finish_if_done(campaign.pk)
    transaction.on_commit(_dispatch)
    return result


def _dispatch() -> None:
    from zhanggui.marketing.tasks import dispatch_due_messages

    dispatch_due_messages.delay()


def finish_if_done(campaign_id: int) -> bool:
    """A sending campaign with no message left to deliver becomes sent (``sent_at``: its
    last message's). Runs inside the caller's transaction."""
    if Message.objects.filter(campaign_id=campaign_id, status__in=(
            MessageStatus.QUEUED, MessageStatus.SENDING)).exists():
        return False
    campaign = Campaign.objects.select_for_update(no_key=True).filter(
        pk=campaign_id, status=CampaignStatus.SENDING).first()
    if campaign is None:
        return False
    if Message.objects.filter(campaign_id=campaign_id, status__in=(
            MessageStatus.QUEUED, MessageStatus.SENDING)).exists():
        return False
    last = (Message.objects.filter(campaign_id=campaign_id, status=MessageStatus.SENT)
            .order_by("-sent_at").values_list("sent_at", flat=True).first())
    campaign.status, campaign.sent_at = CampaignStatus.SENT, last or timezone.now()
    campaign.save(update_fields=["status", "sent_at", "updated_at"])
    marketing_events.campaign_sent(campaign)
    return True
