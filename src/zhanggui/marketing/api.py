"""Marketing API: ad spend by day, channel and product (list with a day range, create, update,
delete). Thin: ``require_perm`` first, then one action or query."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_product
from zhanggui.core.schemas import ERRORS, BoundedPagination, Day, Id
from zhanggui.marketing import actions, queries
from zhanggui.marketing.models import AdChannel

router = Router()
AMOUNT = {"ge": 0, "le": Decimal("999999999999.99"), "max_digits": 14, "decimal_places": 2}


class AdSpendOut(Schema):
    id: int
    day: Day
    channel: AdChannel
    product_id: int | None
    product_title: str | None
    amount: Decimal
    note: str
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_product_title(obj) -> str | None:
        return obj.product.title if obj.product_id else None


class AdSpendFilter(Schema):
    day_from: Day | None = Field(None, description="first day (inclusive)")
    day_to: Day | None = Field(None, description="last day (inclusive)")
    channel: AdChannel | None = None
    product_id: Id | None = None


class AdSpendIn(Schema):
    day: Day
    channel: AdChannel
    product_id: Id | None = Field(None, description="empty: spend for the whole shop")
    amount: Decimal = Field(**AMOUNT)
    note: str = Field("", max_length=200)


class AdSpendPatch(Schema):
    day: Day | None = None
    channel: AdChannel | None = None
    product_id: Id | None = None
    amount: Decimal | None = Field(None, **AMOUNT)
    note: str | None = Field(None, max_length=200)


@router.get("/ad-spend", response={200: list[AdSpendOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_ad_spend(request, filters: Query[AdSpendFilter]):
    """Ad spend entries, newest day first, optionally within a day range."""
    require_perm(request, "marketing.view_adspend")
    return queries.list_ad_spend(**filters.model_dump())


@router.post("/ad-spend", response={201: AdSpendOut, **ERRORS})
def create_ad_spend(request, payload: AdSpendIn):
    require_perm(request, "marketing.add_adspend")
    product = get_product(payload.product_id) if payload.product_id else None
    spend = actions.record_ad_spend(day=payload.day, channel=payload.channel, product=product,
                                    amount=payload.amount, note=payload.note, actor=request.user)
    return Status(201, queries.get_ad_spend(spend.pk))


@router.patch("/ad-spend/{spend_id}", response={200: AdSpendOut, **ERRORS})
def update_ad_spend(request, spend_id: Id, payload: AdSpendPatch):
    """Change an entry; ``product_id: null`` makes it shop-wide."""
    require_perm(request, "marketing.change_adspend")
    spend = queries.get_ad_spend(spend_id)
    # An explicit null changes nothing, except for the product (null: the whole shop).
    changes = {name: value for name, value in payload.model_dump(exclude_unset=True).items()
               if value is not None or name == "product_id"}
    if "product_id" in changes:
        product_id = changes.pop("product_id")
        changes["product"] = get_product(product_id) if product_id else None
    actions.update_ad_spend(spend, actor=request.user, **changes)
    return queries.get_ad_spend(spend_id)


@router.delete("/ad-spend/{spend_id}", response={200: AdSpendOut, **ERRORS})
def delete_ad_spend(request, spend_id: Id):
    """Delete an entry; answers the entry as it was."""
    require_perm(request, "marketing.delete_adspend")
    spend = queries.get_ad_spend(spend_id)
    actions.delete_ad_spend(spend, actor=request.user)
    spend.pk = spend_id  # Django clears it on delete
    return spend
