"""The demo's campaigns: the contact policy and three campaigns sent in the past — a win-back
of dormant buyers with a 5-fold (五折) coupon by e-mail and SMS, a new-product launch to
recent buyers by SMS, and a membership drive to repeat buyers by push — with their
recipients, coupons and sent messages, so that the attribution after each warehouse refresh
finds the orders that followed.

Audiences are read from the demo's orders as of each send day (the segments' members come
only with the first warehouse refresh). The campaigns, coupon templates and policy are
written through the actions; the history (recipients reached, messages sent on that day,
coupons issued then) in bulk, as the rest of the demo's history is. Deterministic: the same
orders give the same campaigns.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max

from zhanggui.accounts.models import Staff
from zhanggui.customers import segments as segment_actions
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import Segment, SegmentKind
from zhanggui.demo.context import Clock
from zhanggui.marketing import campaigns
from zhanggui.marketing.campaign_render import render_message
from zhanggui.marketing.models_campaigns import (
    Campaign,
    CampaignStatus,
    Message,
    MessageStatus,
    Recipient,
    RecipientStatus,
)
from zhanggui.marketing.send_plan import channel_cost, message_key
from zhanggui.orders.models import Order
from zhanggui.pricing import actions as pricing_actions
from zhanggui.pricing.models import Coupon

MAX_AUDIENCE = 400


@dataclass(frozen=True)
class Plan:
    name: str
    goal: str
    days_ago: int
    segment: tuple[str, str, str]  # code, name, lifecycle stage or rule
    channels: tuple[str, ...]
    subject: str
    body: str
    coupon: dict | None
    fixed_cost: Decimal
    budget: Decimal


PLANS = (
    # A year ago, as the reports compare a period with the same one last year.
    Plan("去年同期新品上架通知", "new_product", 378, ("new-buyers", "新客", "new"), ("email",),
         "{nickname}，上新啦，送你一张 {coupon_value} 券",
         "{nickname}，你关注的品类上新了，满100减20：{coupon_code}，{valid_until} 前有效。"
         "退订：{unsubscribe_url}",
         {"name": "新品满100减20（演示·去年）", "kind": "fixed",
          "discount_amount": Decimal("20.00"), "min_amount": Decimal("100.00"), "valid_days": 14},
         Decimal("60.00"), Decimal("200.00")),
    Plan("沉睡买家召回·五折券", "win_back", 45, ("dormant", "沉睡客户", "dormant"),
         ("email", "sms"), "{nickname}，好久不见，送你一张 {coupon_value} 券",
         "{nickname}，好久不见！送你一张 {coupon_value} 券：{coupon_code}，{valid_until} 前有效。"
         "退订：{unsubscribe_url}",
         {"name": "召回五折券（演示）", "kind": "percent", "discount_rate": Decimal("0.50"),
          "max_discount_amount": Decimal("50.00"), "valid_days": 14},
         Decimal("80.00"), Decimal("300.00")),
    Plan("新品上架通知", "new_product", 30, ("new-buyers", "新客", "new"), ("sms",), "",
         "{nickname}，你关注的品类上新了，本周下单满100减20：{coupon_code}。退订回T",
         {"name": "新品满100减20（演示）", "kind": "fixed", "discount_amount": Decimal("20.00"),
          "min_amount": Decimal("100.00"), "valid_days": 7},
         Decimal("30.00"), Decimal("200.00")),
    Plan("会员招募·复购老客", "membership", 14, ("repeat-buyers", "近90天复购客户", "repeat"),
         ("push",), "", "{nickname}，成为会员享会员价和积分加倍，现在就去看看。", None,
         Decimal("0.00"), Decimal("50.00")),
)


def _audience(kind: str, at: datetime) -> list[int]:
    """Customer ids (no guests) fitting ``kind`` as of ``at``, oldest first, capped."""
    paid = (Order.objects.filter(paid_at__isnull=False, paid_at__lt=at, customer__is_guest=False)
            .values("customer_id").annotate(last=Max("paid_at"), n=Count("id")))
    if kind == "dormant":
        paid = paid.filter(last__lte=at - timedelta(days=90), last__gt=at - timedelta(days=365))
    elif kind == "new":
        paid = paid.filter(last__gt=at - timedelta(days=60))
    else:
        paid = paid.filter(n__gte=2, last__gt=at - timedelta(days=90))
    return sorted(paid.values_list("customer_id", flat=True))[:MAX_AUDIENCE]


def _segment(code: str, name: str, stage: str, actor: Staff | None) -> Segment:
    existing = Segment.objects.filter(code=code).first()
    if existing is not None:
        return existing
    condition = ({"field": "paid_orders", "op": "gte", "value": 2} if stage == "repeat"
                 else {"field": "lifecycle_stage", "op": "eq", "value": stage})
    return segment_actions.create_segment(code, name=name, kind=SegmentKind.MODEL, actor=actor,
                                          definition={"match": "all",
                                                      "conditions": [condition]})


def _recipients(campaign: Campaign, members: list[int], sent_at: datetime,
                actor: Staff | None) -> list[Recipient]:
    recipients = Recipient.objects.bulk_create([
        Recipient(campaign=campaign, customer_id=cid, status=RecipientStatus.SENT,
                  reached_at=sent_at) for cid in members], batch_size=2000)
    if campaign.coupon_template_id and recipients:
        people = Customer.objects.in_bulk(members)
        coupons = pricing_actions.issue_coupons(campaign.coupon_template, actor=actor,
                                                customers=[people[cid] for cid in members])
        valid_days = campaign.coupon_template.valid_days or 14
        for coupon in coupons:
            coupon.issued_at, coupon.valid_until = sent_at, sent_at + timedelta(days=valid_days)
        Coupon.objects.bulk_update(coupons, ["issued_at", "valid_until"], batch_size=2000)
        for recipient, coupon in zip(recipients, coupons, strict=True):
            recipient.coupon = coupon
        Recipient.objects.bulk_update(recipients, ["coupon"], batch_size=2000)
    return recipients


def _messages(campaign: Campaign, recipients: list[Recipient], sent_at: datetime,
              policy) -> int:
    people = Customer.objects.in_bulk([r.customer_id for r in recipients])
    rows = []
    for recipient in recipients:
        customer = people[recipient.customer_id]
        for channel in campaign.channels:
            rendered = render_message(campaign, customer, recipient.coupon, channel)
            key = message_key(campaign.pk, customer.pk, channel)
            rows.append(Message(
                idempotency_key=key, campaign=campaign, recipient=recipient, customer=customer,
                channel=channel, subject=rendered.subject, body=rendered.body,
                status=MessageStatus.SENT, send_after=sent_at, attempts=1, claimed_at=sent_at,
                sent_at=sent_at, provider_id=f"demo:{key}",
                cost_amount=channel_cost(policy, channel)))
    Message.objects.bulk_create(rows, batch_size=2000)
    Message.objects.filter(campaign=campaign).update(created_at=sent_at)
    return len(rows)


def _seed_one(plan: Plan, clock: Clock, policy, actor: Staff | None) -> tuple[int, int]:
    sent_at = (clock.now - timedelta(days=plan.days_ago)).replace(hour=10, minute=0)
    code, name, stage = plan.segment
    template = (pricing_actions.create_coupon_template(
        plan.coupon["name"], actor=actor, **{k: v for k, v in plan.coupon.items() if k != "name"})
        if plan.coupon else None)
    campaign = campaigns.create_campaign(
        actor=actor, name=plan.name, goal=plan.goal, starts_at=sent_at - timedelta(hours=1),
        ends_at=sent_at + timedelta(days=7), budget_amount=plan.budget,
        fixed_cost_amount=plan.fixed_cost, segment=_segment(code, name, stage, actor),
        coupon_template=template, channels=list(plan.channels), subject=plan.subject,
        body=plan.body)
    members = _audience("repeat" if stage == "repeat" else stage, sent_at)
    recipients = _recipients(campaign, members, sent_at, actor)
    sent = _messages(campaign, recipients, sent_at, policy)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SENT, prepared_at=sent_at - timedelta(minutes=30), sent_at=sent_at,
        created_at=sent_at - timedelta(days=2))
    return len(recipients), sent


def seed_campaigns(clock: Clock, staff: dict[str, Staff]) -> dict[str, int]:
    """Write the contact policy and the past campaigns (skipped when any campaign exists);
    returns counts of campaigns, recipients and messages."""
    if Campaign.objects.filter(name__in=[plan.name for plan in PLANS]).exists():
        return {"campaigns": 0, "recipients": 0, "messages": 0}
    actor = staff.get("operator") or staff.get("owner")
    policy = campaigns.save_contact_policy(actor=actor, max_messages=3, cap_days=7,
                                           sms_cost_amount=Decimal("0.05"),
                                           email_cost_amount=Decimal("0.01"))
    totals = {"campaigns": 0, "recipients": 0, "messages": 0}
    for plan in PLANS:
        recipients, messages = _seed_one(plan, clock, policy, actor)
        totals["campaigns"] += 1
        totals["recipients"] += recipients
        totals["messages"] += messages
    return totals
