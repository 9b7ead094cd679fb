"""Membership API under ``/pricing``: member tiers and points exchanged for coupons.

Thin: ``require_perm`` first, then one action or query.
"""

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema, Status

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.customers.points import get_balance
from zhanggui.customers.queries import get_customer
from zhanggui.pricing import membership, queries, queries_membership

router = Router()


class MemberTierOut(Schema):
    id: int
    code: str
    name: str
    rank: int
    min_spend_amount: Decimal | None
    min_points: int | None
    points_multiplier: Decimal


class PointsExchangeIn(Schema):
    customer_id: Id


class ExchangedCouponOut(Schema):
    code: str
    customer_id: int | None
    status: str
    valid_until: datetime | None
    points_spent: int
    balance: int


@router.get("/member-tiers", response={200: list[MemberTierOut], **ERRORS})
def list_member_tiers(request):
    """Member tiers, lowest first, with their thresholds and points multiplier."""
    require_perm(request, "pricing.view_membertier")
    return list(queries_membership.list_tiers())


@router.post("/coupon-templates/{template_id}/exchange", response={201: ExchangedCouponOut, **ERRORS})
def exchange_points(request, template_id: int, payload: PointsExchangeIn):
    """Spend the template's points price from the customer's points and issue them one code
    (both or neither): ``not_for_points``, ``points_insufficient``, ``coupons_exhausted``."""
    require_perm(request, "pricing.add_coupon")
    template = queries.get_coupon_template(template_id)
    customer = get_customer(payload.customer_id)
    coupon = membership.exchange_points_for_coupon(customer, template, actor=request.user)
    return Status(201, {"code": coupon.code, "customer_id": coupon.customer_id,
                        "status": coupon.status, "valid_until": coupon.valid_until,
                        "points_spent": template.points_price,
                        "balance": get_balance(customer)})
