"""Membership writes: points an order earns (with the tier's multiplier) and gives back,
tier upgrades and reviews, points exchanged for coupons, and the points and tier policies.

Orders and after-sales call the order hooks (``award_order_points``,
``reverse_order_points``, ``restore_order_points``) inside their own transactions, after the
order row is locked; the points account is locked after it (``customers.points``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.core.money import ZERO, to_money
from zhanggui.core.singletons import lock_singleton
from zhanggui.customers import points as customer_points
from zhanggui.customers.models import Customer
from zhanggui.customers.models_points import PointsEntry, PointsPolicy
from zhanggui.customers.points_rules import add_months, points_for_amount
from zhanggui.pricing import queries_membership, rules_tiers
from zhanggui.pricing.actions import issue_coupons
from zhanggui.pricing.errors import InvalidOffer, NotForPoints
from zhanggui.pricing.models import (
    Coupon,
    CouponTemplate,
    CustomerMembership,
    MemberTier,
    TierBasis,
    TierPolicy,
)

POINTS_POLICY_FIELDS = ("points_per_yuan", "points_per_yuan_redeemed", "max_redeem_rate",
                        "expiry_months")
TIER_POLICY_FIELDS = ("basis", "review_months", "is_downgrade_one_step")
TIER_FIELDS = ("code", "name", "rank", "min_spend_amount", "min_points", "points_multiplier")


# ---- order hooks --------------------------------------------------------------------------

def earning_basis(*, paid_amount: Decimal, shipping_amount: Decimal) -> Decimal:
    """The amount an order earns points on: what was paid for the goods, without shipping
    (the points' own value is not paid, so it never earns)."""
    return max(to_money(paid_amount) - to_money(shipping_amount), ZERO)


def award_order_points(customer: Customer, *, reference: str, paid_amount: Decimal,
                       shipping_amount: Decimal, actor: Staff | None) -> PointsEntry | None:
    """Earn the points of a paid order (once per order number): floor(goods paid ×
    points_per_yuan × the member tier's multiplier), expiring after the policy's months;
    then move the member up when the new basis reaches a better tier. Returns the entry
    (None: nothing to earn)."""
    policy = customer_points.get_policy()
    membership = queries_membership.get_membership(customer)
    multiplier = membership.tier.points_multiplier if membership else Decimal(1)
    basis = earning_basis(paid_amount=paid_amount, shipping_amount=shipping_amount)
    points = points_for_amount(basis, points_per_yuan=policy.points_per_yuan, multiplier=multiplier)
    if points <= 0:
        return None
    now = timezone.now()
    entry = customer_points.earn_points(
        customer, points=points, reason=f"order {reference} paid", reference=reference,
        basis_amount=basis, actor=actor, expires_at=customer_points.expiry_for(policy, now))
    if membership is not None:
        upgrade_member(customer, actor=actor, at=now)
    return entry


def reverse_order_points(customer: Customer, *, reference: str, refunded_amount: Decimal,
                         paid_amount: Decimal, actor: Staff | None) -> PointsEntry | None:
    """A refund of the order ``reference`` (its refunded total so far) takes back its share
    of the points the order earned (``customers.points.reverse_points_for_refund``)."""
    return customer_points.reverse_points_for_refund(
        customer, reference=reference, refunded_amount=refunded_amount, paid_amount=paid_amount,
        actor=actor)


def restore_order_points(customer: Customer, *, reference: str, actor: Staff | None) -> list[PointsEntry]:
    """An unpaid order cancelled or closed gives back the points it was paid with."""
    return customer_points.restore_spent_points(
        customer, reference=reference, reason=f"order {reference} not paid: points given back",
        actor=actor)


def spend_order_points(customer: Customer, *, reference: str, points: int,
                       actor: Staff | None) -> list[PointsEntry]:
    """Spend the points an order is placed with (积分抵扣)."""
    return customer_points.spend_points(customer, points=points, reference=reference,
                                        reason=f"paid order {reference}", actor=actor)


# ---- tiers --------------------------------------------------------------------------------

def _specs(policy: TierPolicy) -> tuple[list[rules_tiers.TierSpec], dict[str, MemberTier]]:
    tiers = list(queries_membership.list_tiers())
    field = "min_points" if policy.basis == TierBasis.POINTS else "min_spend_amount"
    specs = [rules_tiers.TierSpec(t.code, t.rank, None if getattr(t, field) is None
                                  else Decimal(getattr(t, field))) for t in tiers]
    return specs, {t.code: t for t in tiers}


def _move(membership: CustomerMembership, tier: MemberTier, *, at: datetime, actor: Staff | None,
          action: str, basis: Decimal) -> None:
    before = {"tier": membership.tier.code}
    membership.tier, membership.tier_since, membership.reviewed_at = tier, at, at
    membership.save()
    log_operation(membership.customer, action=action, actor=actor, before=before,
                  after={"tier": tier.code, "basis": str(basis)})


@transaction.atomic
def upgrade_member(customer: Customer, *, actor: Staff | None,
                   at: datetime | None = None) -> CustomerMembership | None:
    """Move a member up at once when the basis over the last review period reaches a better
    tier's threshold. Never down (that waits for the review). Returns the membership when
    it moved."""
    at = at or timezone.now()
    membership = (CustomerMembership.objects.select_for_update().select_related("tier", "customer")
                  .filter(customer=customer).first())
    if membership is None:
        return None
    policy = queries_membership.get_tier_policy()
    specs, tiers = _specs(policy)
    basis = queries_membership.tier_basis(customer, basis=policy.basis,
                                          since=add_months(at, -policy.review_months))
    current = next(s for s in specs if s.code == membership.tier.code)
    better = rules_tiers.upgrade(specs, current, basis)
    if better is None:
        return None
    _move(membership, tiers[better.code], at=at, actor=actor, action="pricing.upgrade_member",
          basis=basis)
    return membership


def review_tiers(now: datetime | None = None, *, actor: Staff | None = None) -> dict[str, int]:
    """Review every member not reviewed for ``review_months``: re-tier on the period's
    basis (down at most one tier when ``is_downgrade_one_step``). Each member in its own
    transaction. Returns counts of members reviewed, moved up and moved down."""
    now = now or timezone.now()
    policy = queries_membership.get_tier_policy()
    cutoff = add_months(now, -policy.review_months)
    due = (CustomerMembership.objects
           .annotate(last=Coalesce("reviewed_at", "tier_since", "created_at"))
           .filter(last__lte=cutoff).values_list("pk", flat=True))
    counts = {"reviewed": 0, "up": 0, "down": 0}
    for pk in sorted(due):
        moved = _review_one(pk, policy=policy, now=now, since=cutoff, actor=actor)
        counts["reviewed"] += 1
        if moved:
            counts[moved] += 1
    return counts


@transaction.atomic
def _review_one(pk: int, *, policy: TierPolicy, now: datetime, since: datetime,
                actor: Staff | None) -> str:
    membership = CustomerMembership.objects.select_for_update().select_related("tier", "customer").get(pk=pk)
    specs, tiers = _specs(policy)
    basis = queries_membership.tier_basis(membership.customer, basis=policy.basis, since=since)
    current = next(s for s in specs if s.code == membership.tier.code)
    target = rules_tiers.review(specs, current, basis, is_one_step=policy.is_downgrade_one_step)
    if target is None:
        membership.reviewed_at = now
        membership.save(update_fields=["reviewed_at", "updated_at"])
        return ""
    direction = "up" if target.rank > current.rank else "down"
    _move(membership, tiers[target.code], at=now, actor=actor, action="pricing.review_tier",
          basis=basis)
    return direction


# ---- points for coupons -------------------------------------------------------------------

@transaction.atomic
def exchange_points_for_coupon(customer: Customer, template: CouponTemplate, *,
                               actor: Staff | None) -> Coupon:
    """Spend the template's ``points_price`` and issue one coupon to ``customer``, both or
    neither.

    Raises:
        NotForPoints: the template has no points price, is inactive or has ended.
        PointsInsufficient: the balance is smaller than the price.
        CouponsExhausted: the template's issue limit is reached.
    """
    template = CouponTemplate.objects.select_for_update().get(pk=template.pk)
    now = timezone.now()
    if not template.points_price or not template.is_active or (
            template.ends_at is not None and template.ends_at <= now):
        raise NotForPoints(template=template.name)
    customer_points.spend_points(customer, points=template.points_price,
                                 reason=f"exchanged for coupon {template.name}",
                                 reference=f"coupon-template:{template.pk}", actor=actor)
    (coupon,) = issue_coupons(template, actor=actor, customers=[customer])
    log_operation(coupon, action="pricing.exchange_points_for_coupon", actor=actor,
                  after={"customer": customer.code, "points": template.points_price,
                         "template": template.pk})
    return coupon


# ---- policies and tiers -------------------------------------------------------------------

@transaction.atomic
def save_points_policy(*, actor: Staff | None, **fields) -> PointsPolicy:
    """Change the points policy (its single row, created on first change).

    Raises:
        InvalidOffer: a negative rate, fewer than 1 point per yuan redeemed, or a share
            outside 0 … 1.
    """
    policy = lock_singleton(PointsPolicy)
    before = snapshot(policy, POINTS_POLICY_FIELDS) if policy.pk else None
    for name in POINTS_POLICY_FIELDS:
        if name in fields:
            setattr(policy, name, fields[name])
    if Decimal(policy.points_per_yuan) < 0 or int(policy.points_per_yuan_redeemed) < 1 \
            or not ZERO <= Decimal(policy.max_redeem_rate) <= 1 or int(policy.expiry_months) < 0:
        raise InvalidOffer(problem="points policy values out of range")
    policy.save()
    log_operation(policy, action="customers.save_points_policy", actor=actor, before=before,
                  after=snapshot(policy, POINTS_POLICY_FIELDS))
    return policy


@transaction.atomic
def save_tier_policy(*, actor: Staff | None, **fields) -> TierPolicy:
    """Change the tier policy (its single row, created on first change).

    Raises:
        InvalidOffer: an unknown basis or a review period under one month.
    """
    policy = lock_singleton(TierPolicy)
    before = snapshot(policy, TIER_POLICY_FIELDS) if policy.pk else None
    for name in TIER_POLICY_FIELDS:
        if name in fields:
            setattr(policy, name, fields[name])
    if policy.basis not in TierBasis.values or int(policy.review_months) < 1:
        raise InvalidOffer(problem="tier policy values out of range")
    policy.save()
    log_operation(policy, action="pricing.save_tier_policy", actor=actor, before=before,
                  after=snapshot(policy, TIER_POLICY_FIELDS))
    return policy


@transaction.atomic
def save_member_tier(tier: MemberTier, *, actor: Staff | None) -> MemberTier:
    """Create or change a member tier (thresholds, multiplier).

    Raises:
        InvalidOffer: a negative threshold or a multiplier not above 0.
    """
    if (tier.min_spend_amount is not None and tier.min_spend_amount < 0) \
            or tier.points_multiplier is None or tier.points_multiplier <= 0:
        raise InvalidOffer(problem="thresholds must not be negative and the multiplier above 0")
    before = snapshot(MemberTier.objects.select_for_update().get(pk=tier.pk), TIER_FIELDS) \
        if tier.pk else None
    tier.save()
    log_operation(tier, action="pricing.save_member_tier", actor=actor, before=before,
                  after=snapshot(tier, TIER_FIELDS))
    return tier
