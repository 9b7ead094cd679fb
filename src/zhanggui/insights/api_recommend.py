"""Recommendations API for the storefront (mounted at ``/api/v1/insights/recommendations``):
"bought together" per product (``catalog.view_productaffinity``) and "for you" per
customer (``customers.view_customerrecommendation``), as stored by the last run of
``insights.recommend_run``. Thin: ``require_perm`` first, then one query."""

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.models import Product
from zhanggui.catalog.queries_affinity import bought_together
from zhanggui.core.errors import NotFound
from zhanggui.core.schemas import ERRORS, Id
from zhanggui.customers.models import Customer
from zhanggui.customers.queries_recommendations import recommendations_for

router = Router()
MAX_ITEMS = 10


class RecommendProductNotFound(NotFound):
    code = "recommend_product_not_found"
    default_message = _("There is no product with this id.")


class RecommendCustomerNotFound(NotFound):
    code = "recommend_customer_not_found"
    default_message = _("There is no customer with this id.")


class RecommendLimitQuery(Schema):
    limit: int = Field(MAX_ITEMS, ge=1, le=MAX_ITEMS)


class RecommendItemOut(Schema):
    product_id: int
    code: str
    title: str
    rank: int = Field(description="1 = best")
    score: Decimal = Field(description="higher is more related; comparable within one list only")


class RecommendBoughtTogetherItemOut(RecommendItemOut):
    baskets: int = Field(description="paid orders holding both products")


class RecommendBoughtTogetherOut(Schema):
    product_id: int
    computed_at: datetime | None = Field(description="null before the first run")
    items: list[RecommendBoughtTogetherItemOut]


class RecommendForYouOut(Schema):
    customer_id: int
    computed_at: datetime | None = Field(description="null before the first run")
    items: list[RecommendItemOut]


def _item(product: Product, rank: int, score: Decimal, **extra) -> dict:
    return {"product_id": product.pk, "code": product.code, "title": product.title,
            "rank": rank, "score": score, **extra}


@router.get("/products/{product_id}/bought-together",
            response={200: RecommendBoughtTogetherOut, **ERRORS})
def product_bought_together(request, product_id: Id, filters: Query[RecommendLimitQuery]):
    """The products most often bought with this one, best first (empty when none is).
    404 ``recommend_product_not_found`` for an unknown product."""
    require_perm(request, "catalog.view_productaffinity")
    if not Product.objects.filter(pk=product_id).exists():
        raise RecommendProductNotFound()
    rows = list(bought_together(product_id, limit=filters.limit))
    return {"product_id": product_id, "computed_at": rows[0].computed_at if rows else None,
            "items": [_item(r.related, r.rank, r.score, baskets=r.baskets) for r in rows]}


@router.get("/customers/{customer_id}", response={200: RecommendForYouOut, **ERRORS})
def customer_recommendations(request, customer_id: Id, filters: Query[RecommendLimitQuery]):
    """The products recommended to this customer, best first (none they bought recently;
    empty for a customer without a paid order). 404 ``recommend_customer_not_found`` for an
    unknown customer."""
    require_perm(request, "customers.view_customerrecommendation")
    if not Customer.objects.filter(pk=customer_id).exists():
        raise RecommendCustomerNotFound()
    rows = list(recommendations_for(customer_id, limit=filters.limit))
    return {"customer_id": customer_id, "computed_at": rows[0].computed_at if rows else None,
            "items": [_item(r.product, r.rank, r.score) for r in rows]}
