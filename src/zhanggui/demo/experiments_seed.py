"""The demo's A/B test: a finished win-back campaign split into two coupon arms (五折券 and
满100减20, 45 % each) and a 10 % holdout, three weeks before the demo's today.

``seed_experiments`` is the hook the demo calls after the campaigns are seeded. It tests the
demo's win-back campaign when one exists that is still a draft (a test must exist before the
recipients are chosen); otherwise it builds its own: the dormant buyers (last paid order
90 to 365 days ago) as a segment, the two coupon templates and the campaign. Writes go
through the actions (segment, coupons, campaign, experiment, ``arms_for``); only the
history — the campaign sent three weeks ago, the recipients reached then, the test stopped
two weeks later — is written in bulk, as the rest of the demo's history is. Its results are
whatever the demo's orders give (shown with the under-powered warning when they are few).
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Max

from zhanggui.accounts.models import Staff
from zhanggui.customers import segments as segment_actions
from zhanggui.customers.models import Customer
from zhanggui.customers.models_segments import SegmentKind
from zhanggui.demo.context import Clock
from zhanggui.marketing import campaigns, experiments
from zhanggui.marketing.experiments import ArmSpec
from zhanggui.marketing.models_campaigns import (
    Campaign,
    CampaignGoal,
    CampaignStatus,
    Recipient,
    RecipientStatus,
)
from zhanggui.marketing.models_experiments import Experiment
from zhanggui.orders.models import Order
from zhanggui.pricing import actions as pricing_actions

CODE = "demo-winback-coupons"
SENT_DAYS_AGO = 21
RUN_DAYS = 14
DORMANT_DAYS = (90, 365)
MIN_AUDIENCE = 20
BODY = ("{nickname}，好久不见！送你一张 {coupon_value} 券：{coupon_code}，{valid_until} 前有效。"
        "退订：{unsubscribe_url}")


def dormant_buyers(clock: Clock) -> list[int]:
    """Customers (no guests) whose last paid order is 90 to 365 days before the demo's now."""
    newest, oldest = (clock.now - timedelta(days=d) for d in DORMANT_DAYS)
    return sorted(Order.objects.filter(paid_at__isnull=False, customer__is_guest=False)
                  .values("customer_id").annotate(last=Max("paid_at"))
                  .filter(last__lte=newest, last__gt=oldest).values_list("customer_id", flat=True))


def _win_back_draft() -> Campaign | None:
    return (Campaign.objects.filter(goal=CampaignGoal.WIN_BACK, status=CampaignStatus.DRAFT,
                                    experiment__isnull=True, prepared_at__isnull=True)
            .order_by("starts_at").first())


def _own_campaign(clock: Clock, members: list[int], actor: Staff | None) -> Campaign:
    sent_at = clock.now - timedelta(days=SENT_DAYS_AGO)
    segment = segment_actions.create_segment(
        "demo-dormant-buyers", kind=SegmentKind.MODEL, name="沉睡买家", actor=actor,
        definition={"match": "all", "conditions": [
            {"field": "lifecycle_stage", "op": "eq", "value": "dormant"}]})
    segment_actions.replace_segment_members(segment, members, measured_at=sent_at)
    half = pricing_actions.create_coupon_template(
        "召回五折券", kind="percent", discount_rate=Decimal("0.50"),
        max_discount_amount=Decimal("50.00"), valid_days=14, actor=actor)
    return campaigns.create_campaign(
        actor=actor, name="沉睡买家召回（券面 A/B）", goal=CampaignGoal.WIN_BACK,
        starts_at=sent_at - timedelta(hours=1), ends_at=sent_at + timedelta(days=RUN_DAYS),
        budget_amount=Decimal("500.00"), fixed_cost_amount=Decimal("50.00"), segment=segment,
        coupon_template=half, channels=["sms"], body=BODY)


def _arms(campaign: Campaign, actor: Staff | None) -> list[ArmSpec]:
    half = campaign.coupon_template or pricing_actions.create_coupon_template(
        "召回五折券", kind="percent", discount_rate=Decimal("0.50"), valid_days=14, actor=actor)
    off = pricing_actions.create_coupon_template(
        "召回满100减20", kind="fixed", discount_amount=Decimal("20.00"),
        min_amount=Decimal("100.00"), valid_days=14, actor=actor)
    return [ArmSpec("half-price", "五折券", Decimal("0.45"), coupon_template=half),
            ArmSpec("twenty-off", "满100减20", Decimal("0.45"), coupon_template=off),
            ArmSpec("holdout", "对照组（不发送）", Decimal("0.10"), is_holdout=True)]


def _send_in_history(campaign: Campaign, experiment: Experiment, members: list[int],
                     clock: Clock, actor: Staff | None) -> None:
    """The campaign as it was sent three weeks ago: recipients in their arms (held out or
    reached), a coupon for each reached one, the test stopped after ``RUN_DAYS``."""
    sent_at = clock.now - timedelta(days=SENT_DAYS_AGO)
    arms = experiments.arms_for(campaign, members)  # assigns, starts the test
    recipients = Recipient.objects.bulk_create([
        Recipient(campaign=campaign, customer_id=cid, arm=arm,
                  status=RecipientStatus.HELD_OUT if holdout else RecipientStatus.SENT,
                  reached_at=None if holdout else sent_at)
        for cid, (arm, holdout) in sorted(arms.items())], batch_size=2000)
    by_arm: dict[str, list[Recipient]] = {}
    for recipient in recipients:
        if recipient.status == RecipientStatus.SENT:
            by_arm.setdefault(recipient.arm, []).append(recipient)
    for arm in experiment.arms.exclude(coupon_template=None).select_related("coupon_template"):
        reached = by_arm.get(arm.code, [])
        if not reached:
            continue
        people = Customer.objects.in_bulk([r.customer_id for r in reached])
        coupons = pricing_actions.issue_coupons(
            arm.coupon_template, actor=actor, customers=[people[r.customer_id] for r in reached])
        for recipient, coupon in zip(reached, coupons, strict=True):
            recipient.coupon = coupon
        Recipient.objects.bulk_update(reached, ["coupon"], batch_size=2000)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=CampaignStatus.SENT, prepared_at=sent_at - timedelta(minutes=30), sent_at=sent_at)
    experiments.stop_experiment(experiment, actor=actor)
    Experiment.objects.filter(pk=experiment.pk).update(
        started_at=sent_at, stopped_at=sent_at + timedelta(days=RUN_DAYS))


def seed_experiments(clock: Clock, staff: dict[str, Staff], *,
                     campaign: Campaign | None = None) -> Experiment | None:
    """Write the demo's finished A/B test; returns it, or None when there is no audience
    (fewer than ``MIN_AUDIENCE`` dormant buyers) or the given campaign is already prepared.
    """
    actor = staff.get("operator") or staff.get("owner")
    campaign = campaign or _win_back_draft()
    if campaign is not None:
        if campaign.prepared_at is not None or Recipient.objects.filter(campaign=campaign).exists():
            return None
        members = sorted(campaign.segment.members.values_list("customer_id", flat=True))
    else:
        members = dormant_buyers(clock)
        if len(members) < MIN_AUDIENCE:
            return None
        campaign = _own_campaign(clock, members, actor)
    experiment = experiments.create_experiment(
        CODE, name="召回券面 A/B：五折 vs 满100减20", campaign=campaign, arms=_arms(campaign, actor),
        hypothesis="五折券召回的沉睡买家比满100减20更多；两者都比不发送更多。",
        baseline_rate=Decimal("0.03"), minimum_effect=Decimal("0.03"), actor=actor)
    _send_in_history(campaign, experiment, members, clock, actor)
    return Experiment.objects.get(pk=experiment.pk)
