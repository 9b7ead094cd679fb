"""Campaign writes: create and change a draft, prepare (freeze the audience and issue the
coupons), send (queue the outbox), cancel; and the contact policy.

Every step locks the campaign row, checks its status and logs the operation. Preparing and
sending are idempotent: a recipient is added once (unique campaign × customer), a coupon is
issued once per recipient (``Recipient.coupon``), a message is queued once per recipient and
channel (``Message.idempotency_key`` is unique). Sending itself is ``marketing.send_plan``;
delivery is ``marketing.outbox``.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.core.singletons import lock_singleton
from zhanggui.customers.models import Customer, SegmentMember
from zhanggui.marketing import contact_rules
from zhanggui.marketing.errors_campaigns import (
    CampaignEnded,
    CampaignNotEditable,
    CampaignStateError,
    InvalidCampaign,
    InvalidContactPolicy,
)
from zhanggui.marketing.models_campaigns import (
    Campaign,
    CampaignGoal,
    CampaignStatus,
    ContactPolicy,
    MessageChannel,
    MessageStatus,
    Recipient,
    RecipientStatus,
)
from zhanggui.marketing.send_plan import SendResult, send_campaign  # noqa: F401  (re-exported)
from zhanggui.pricing import actions as pricing_actions

FIELDS = ("name", "goal", "starts_at", "ends_at", "budget_amount", "fixed_cost_amount",
          "segment", "coupon_template", "promotion", "channels", "subject", "body")
LOGGED = ("name", "goal", "starts_at", "ends_at", "budget_amount", "fixed_cost_amount",
          "segment_id", "coupon_template_id", "promotion_id", "channels", "subject", "body")
MAX_MONEY = Decimal("999999999999.99")
COUPON_VARIABLES = {"coupon_code", "coupon_value", "valid_until"}


def _money_ok(amount) -> bool:
    return (isinstance(amount, Decimal) and amount.is_finite() and 0 <= amount <= MAX_MONEY
            and amount == amount.quantize(Decimal("0.01")))


def _check_offer(campaign: Campaign, used: set[str]) -> None:
    if campaign.coupon_template_id and campaign.promotion_id:
        raise InvalidCampaign(problem=_("offer either a coupon or a promotion, not both"))
    template = campaign.coupon_template
    if template is not None and (not template.is_active or (
            template.ends_at is not None and template.ends_at <= campaign.starts_at)):
        raise InvalidCampaign(problem=_("the coupon is not active in the campaign's period"))
    if template is None and used & COUPON_VARIABLES:
        raise InvalidCampaign(problem=_("the message names a coupon but the campaign has none"))


def _check(campaign: Campaign) -> None:
    """Raises InvalidCampaign naming the first problem."""
    if not campaign.name.strip():
        raise InvalidCampaign(problem=_("a name is required"))
    if campaign.goal not in CampaignGoal.values:
        raise InvalidCampaign(problem=_("unknown goal"))
    if not campaign.starts_at or not campaign.ends_at or campaign.ends_at <= campaign.starts_at:
        raise InvalidCampaign(problem=_("the period must end after it starts"))
    if not (_money_ok(campaign.budget_amount) and _money_ok(campaign.fixed_cost_amount)):
        raise InvalidCampaign(problem=_("budget and fixed cost are amounts from 0 up, with at "
                                        "most two decimals"))
    channels = campaign.channels
    if (not isinstance(channels, list) or not channels or len(set(channels)) != len(channels)
            or not set(channels) <= set(MessageChannel.values)):
        raise InvalidCampaign(problem=_("choose one or more channels: email, sms, push"))
    if campaign.segment_id is None or not campaign.segment.is_active:
        raise InvalidCampaign(problem=_("the audience must be an active segment"))
    if not campaign.body.strip():
        raise InvalidCampaign(problem=_("the message is empty"))
    unknown = [*contact_rules.unknown_variables(campaign.subject),
               *contact_rules.unknown_variables(campaign.body)]
    if unknown:
        raise InvalidCampaign(problem=_("unknown variables: %(names)s") % {
            "names": ", ".join(sorted(set(unknown)))})
    _check_offer(campaign, contact_rules.template_variables(campaign.body)
                 | contact_rules.template_variables(campaign.subject))


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",), no_key=True).select_related(
        "segment", "coupon_template").get(pk=campaign.pk)


def _apply(campaign: Campaign, data: dict) -> None:
    for name, value in data.items():
        if name not in FIELDS:
            raise TypeError(f"unknown campaign field {name}")
        if name in ("name", "subject", "body") and isinstance(value, str):
            value = value.strip()
        setattr(campaign, name, value)


@transaction.atomic
def create_campaign(*, actor: Staff | None, **fields) -> Campaign:
    """A draft campaign (``fields`` by name, see ``FIELDS``); its number is CP + its id.

    Raises:
        InvalidCampaign: the first problem found (period, money, channels, audience, offer,
            unknown body variables).
    """
    campaign = Campaign(created_by=actor, fixed_cost_amount=Decimal("0"),
                        budget_amount=Decimal("0"), subject="")
    _apply(campaign, fields)
    _check(campaign)
    campaign.code = f"new-{uuid.uuid4().hex[:20]}"
    campaign.save()
    campaign.code = f"CP{campaign.pk:06d}"
    campaign.save(update_fields=["code"])
    log_operation(campaign, action="marketing.create_campaign", actor=actor,
                  after=snapshot(campaign, LOGGED))
    return campaign


@transaction.atomic
def update_campaign(campaign: Campaign, *, actor: Staff | None, **changes) -> Campaign:
    """Change a draft.

    Raises:
        CampaignNotEditable: the campaign was prepared, sent or cancelled.
        InvalidCampaign: as ``create_campaign``.
    """
    campaign = _lock(campaign)
    if campaign.status != CampaignStatus.DRAFT:
        raise CampaignNotEditable(status=campaign.get_status_display())
    before = snapshot(campaign, LOGGED)
    _apply(campaign, changes)
    _check(campaign)
    campaign.save()
    after = snapshot(campaign, LOGGED)
    log_operation(campaign, action="marketing.update_campaign", actor=actor,
                  before={k: v for k, v in before.items() if after[k] != v},
                  after={k: v for k, v in after.items() if before[k] != v})
    return campaign


@dataclass(frozen=True)
class PrepareResult:
    added: int
    held_out: int
    coupons_issued: int
    recipients: int


def _arms(campaign: Campaign, customer_ids: list[int]) -> dict[int, tuple[str, bool]]:
    from zhanggui.marketing.models_experiments import Experiment

    if not customer_ids or not Experiment.objects.filter(campaign=campaign).exists():
        return {}
    from zhanggui.marketing.experiments import arms_for  # the experiments helper's module

    return arms_for(campaign, customer_ids)


def _arm_templates(campaign: Campaign) -> dict[str, object]:
    from zhanggui.marketing.models_experiments import ExperimentArm

    return {arm.code: arm.coupon_template for arm in ExperimentArm.objects.filter(
        experiment__campaign=campaign, coupon_template__isnull=False).select_related(
        "coupon_template")}


def _issue_coupons(campaign: Campaign, actor: Staff | None) -> int:
    """One coupon for each recipient who is not held out and has none yet."""
    waiting = list(Recipient.objects.filter(campaign=campaign, coupon__isnull=True)
                   .exclude(status=RecipientStatus.HELD_OUT).order_by("id"))
    per_arm = _arm_templates(campaign) if waiting else {}
    groups: dict[int, tuple[object, list[Recipient]]] = {}
    for recipient in waiting:
        template = per_arm.get(recipient.arm) or campaign.coupon_template
        if template is not None:
            groups.setdefault(template.pk, (template, []))[1].append(recipient)
    issued = 0
    for template, recipients in groups.values():
        customers = list(Customer.objects.filter(pk__in=[r.customer_id for r in recipients])
                         .only("id").in_bulk().values())
        by_id = {c.pk: c for c in customers}
        coupons = pricing_actions.issue_coupons(
            template, actor=actor, customers=[by_id[r.customer_id] for r in recipients])
        for recipient, coupon in zip(recipients, coupons, strict=True):
            recipient.coupon = coupon
        Recipient.objects.bulk_update(recipients, ["coupon"])
        issued += len(coupons)
    return issued


@transaction.atomic
def prepare_campaign(campaign: Campaign, *, actor: Staff | None) -> PrepareResult:
    """Freeze the audience: every member of the segment (guest checkouts left out) becomes a
    recipient, in an experiment arm when the campaign has an A/B test (holdout: held out, no
    coupon), and each recipient not held out gets one coupon of the campaign's template.
    Preparing again adds only new members and issues only the missing coupons.

    Raises:
        CampaignStateError: the campaign is sending, sent or cancelled.
        CampaignEnded: its period is over.
        InvalidCampaign: the audience is no longer an active segment.
        CouponsExhausted: the coupon template's issue limit would be passed (nothing kept).
    """
    campaign = _lock(campaign)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise CampaignStateError(status=campaign.get_status_display(), step=_("prepared"))
    now = timezone.now()
    if campaign.ends_at <= now:
        raise CampaignEnded(ends_at=timezone.localtime(campaign.ends_at).strftime("%Y-%m-%d %H:%M"))
    _check(campaign)
    existing = set(Recipient.objects.filter(campaign=campaign)
                   .values_list("customer_id", flat=True))
    members = [cid for cid in SegmentMember.objects.filter(
        segment=campaign.segment, customer__is_guest=False).order_by("customer_id")
        .values_list("customer_id", flat=True) if cid not in existing]
    arms = _arms(campaign, members)
    new = []
    for cid in members:
        arm, holdout = arms.get(cid, ("", False))
        new.append(Recipient(campaign=campaign, customer_id=cid, arm=arm,
                             status=RecipientStatus.HELD_OUT if holdout else RecipientStatus.PENDING))
    Recipient.objects.bulk_create(new, batch_size=2000)
    issued = _issue_coupons(campaign, actor)
    campaign.status = CampaignStatus.SCHEDULED
    campaign.prepared_at = now
    campaign.save(update_fields=["status", "prepared_at", "updated_at"])
    result = PrepareResult(
        added=len(new), held_out=sum(r.status == RecipientStatus.HELD_OUT for r in new),
        coupons_issued=issued, recipients=len(existing) + len(new))
    log_operation(campaign, action="marketing.prepare_campaign", actor=actor,
                  after=result.__dict__)
    return result


@transaction.atomic
def cancel_campaign(campaign: Campaign, *, reason: str, actor: Staff | None) -> Campaign:
    """Stop a campaign: its queued messages are cancelled and its recipients still waiting are
    skipped (reason "cancelled"). Messages already sent stay sent, and so do their coupons;
    the coupons of recipients who never got their message are voided.

    Raises:
        InvalidCampaign: no reason given.
        CampaignStateError: already sent or cancelled.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidCampaign(problem=_("say why the campaign is cancelled"))
    campaign = _lock(campaign)
    if campaign.status in (CampaignStatus.SENT, CampaignStatus.CANCELLED):
        raise CampaignStateError(status=campaign.get_status_display(), step=_("cancelled"))
    before = campaign.status
    cancelled = campaign.messages.select_for_update().filter(
        status=MessageStatus.QUEUED).update(status=MessageStatus.CANCELLED,
                                            last_error="campaign cancelled")
    waiting = campaign.recipients.filter(status=RecipientStatus.PENDING)
    unsent_coupons = list(waiting.exclude(coupon=None).values_list("coupon_id", flat=True))
    waiting.update(status=RecipientStatus.SKIPPED, skip_reason="cancelled")
    voided = pricing_actions.void_coupons(unsent_coupons, reason="campaign cancelled",
                                          actor=actor) if unsent_coupons else 0
    campaign.status = CampaignStatus.CANCELLED
    campaign.cancelled_at = timezone.now()
    campaign.cancel_reason = reason[:200]
    campaign.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    log_operation(campaign, action="marketing.cancel_campaign", actor=actor,
                  before={"status": before},
                  after={"status": campaign.status, "reason": campaign.cancel_reason,
                         "cancelled_messages": cancelled, "voided_coupons": voided})
    return campaign


POLICY_FIELDS = ("max_messages", "cap_days", "quiet_start", "quiet_end", "attribution_days",
                 "email_cost_amount", "sms_cost_amount", "push_cost_amount")


@transaction.atomic
def save_contact_policy(*, actor: Staff | None, **changes) -> ContactPolicy:
    """Change the contact policy (the one row is created with the defaults the first time).

    Raises:
        InvalidContactPolicy: a cap window under one day, a negative or over-precise cost.
    """
    policy = lock_singleton(ContactPolicy)
    before = snapshot(policy, POLICY_FIELDS)
    for name, value in changes.items():
        if name not in POLICY_FIELDS:
            raise TypeError(f"unknown contact policy field {name}")
        setattr(policy, name, value)
    if policy.cap_days < 1 or policy.max_messages < 0 or policy.attribution_days < 1:
        raise InvalidContactPolicy(problem=_("the windows are at least one day"))
    if not all(_money_ok(getattr(policy, f"{ch}_cost_amount")) for ch in MessageChannel.values):
        raise InvalidContactPolicy(problem=_("costs are amounts from 0 up, with at most two "
                                             "decimals"))
    policy.save()
    after = snapshot(policy, POLICY_FIELDS)
    log_operation(policy, action="marketing.save_contact_policy", actor=actor,
                  before={k: v for k, v in before.items() if after[k] != v},
                  after={k: v for k, v in after.items() if before[k] != v})
    return policy
