"""Membership reads for the price engine and the console: the buyer's segments and
birthday, the points a cart may redeem, tiers and the tier policy, and the basis a member's
tier is decided on."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from zhanggui.core.money import ZERO
from zhanggui.core.singletons import read_singleton
from zhanggui.customers import points as customer_points
from zhanggui.customers.models import Customer
from zhanggui.customers.models_points import PointsEntry, PointsKind
from zhanggui.customers.models_segments import Segment, SegmentMember
from zhanggui.pricing.models import CustomerMembership, MemberTier, TierBasis, TierPolicy
from zhanggui.pricing.rules_points import PointsRequest


def buyer_segments(customer: Customer, codes: set[str] | None = None) -> frozenset[str]:
    """Codes of the active segments ``customer`` is a member of (only ``codes`` when given:
    the ones some offer asks for)."""
    rows = SegmentMember.objects.filter(customer=customer, segment__is_active=True)
    if codes is not None:
        rows = rows.filter(segment__code__in=codes)
    return frozenset(rows.values_list("segment__code", flat=True))


def unknown_segments(codes) -> list[str]:
    """The codes in ``codes`` no segment has (a promotion or coupon may name only real ones)."""
    wanted = {str(c) for c in codes or ()}
    known = set(Segment.objects.filter(code__in=wanted).values_list("code", flat=True))
    return sorted(wanted - known)


def points_request(customer: Customer | None, requested: int, *,
                   at: datetime | None = None) -> PointsRequest | None:
    """What the engine needs to let ``customer`` pay with up to ``requested`` points (None:
    no points asked for, or no customer)."""
    if customer is None or not requested or requested <= 0:
        return None
    policy = customer_points.get_policy()
    return PointsRequest(requested=int(requested),
                         balance=customer_points.spendable_balance(customer, at=at),
                         points_per_yuan=policy.points_per_yuan_redeemed,
                         max_rate=policy.max_redeem_rate)


def get_tier_policy() -> TierPolicy:
    """The tier policy row, or the defaults (unsaved) — reading never writes."""
    return read_singleton(TierPolicy)


def list_tiers() -> QuerySet[MemberTier]:
    return MemberTier.objects.order_by("rank", "id")


def get_membership(customer: Customer) -> CustomerMembership | None:
    return CustomerMembership.objects.select_related("tier").filter(customer=customer).first()


def tier_basis(customer: Customer, *, basis: str, since: datetime) -> Decimal:
    """What a tier is decided on from ``since`` on: spend (Σ amount behind earned and
    reversed points) or points (Σ points earned less those reversed)."""
    rows = PointsEntry.objects.filter(account__customer=customer, created_at__gte=since,
                                      kind__in=(PointsKind.EARN, PointsKind.REVERSE))
    if basis == TierBasis.POINTS:
        return Decimal(rows.aggregate(s=Sum("points"))["s"] or 0)
    return rows.aggregate(s=Sum("basis_amount"))["s"] or ZERO


def shop_now(at: datetime | None = None) -> datetime:
    """``at`` (default now) in the shop's time zone: the engine reads months from it."""
    return timezone.localtime(at or timezone.now())
