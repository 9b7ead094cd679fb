"""Points API (积分): a customer's balance and ledger, and adjustments by hand.

Thin: ``require_perm`` first, then one action or query. Mounted under ``/customers``.
"""

from datetime import datetime

from ninja import Field, Query, Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, MAX_PAGE
from zhanggui.customers import points
from zhanggui.customers.models_points import PointsEntry
from zhanggui.customers.queries import get_customer

router = Router()


class PointsEntryOut(Schema):
    id: int
    kind: str
    points: int
    balance_after: int
    reason: str
    reference: str
    remaining: int
    expires_at: datetime | None
    created_at: datetime


class PointsOut(Schema):
    customer_id: int
    balance: int
    spendable: int = Field(description="the balance less lots past expiry not yet swept")
    count: int = Field(description="entries in all")
    page: int
    entries: list[PointsEntryOut]


class PointsPageIn(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=100)


class PointsAdjustIn(Schema):
    points: int = Field(ge=-(2**31 - 1), le=2**31 - 1,
                        description="positive adds (a new lot), negative takes away (only down to 0)")
    reason: str = Field(min_length=1, max_length=200)


class PointsAdjustOut(Schema):
    balance: int
    entry: PointsEntryOut


def _points(customer, page: int, page_size: int) -> dict:
    entries = PointsEntry.objects.filter(account__customer=customer).order_by("-created_at", "-id")
    start = (page - 1) * page_size
    return {"customer_id": customer.pk, "balance": points.get_balance(customer),
            "spendable": points.spendable_balance(customer), "count": entries.count(),
            "page": page, "entries": list(entries[start:start + page_size])}


@router.get("/{customer_id}/points", response={200: PointsOut, **ERRORS})
def get_points(request, customer_id: int, paging: Query[PointsPageIn]):
    """The customer's points balance and ledger, newest first, paged."""
    require_perm(request, "customers.view_pointsentry")
    return _points(get_customer(customer_id), paging.page, paging.page_size)


@router.post("/{customer_id}/points/adjust", response={200: PointsAdjustOut, **ERRORS})
def adjust_points(request, customer_id: int, payload: PointsAdjustIn):
    """Add or take away points by hand, with a reason (never below 0: ``points_insufficient``)."""
    require_perm(request, "customers.adjust_points")
    customer = get_customer(customer_id)
    entry = points.adjust_points(customer, points=payload.points, reason=payload.reason,
                                 actor=request.user)
    return {"balance": entry.balance_after, "entry": entry}
