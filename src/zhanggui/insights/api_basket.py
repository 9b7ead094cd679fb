"""Basket analysis API (mounted at ``/api/v1/insights/basket``): the latest run's association
rules and bundle suggestions (``GET``, ``insights.view_associationrule``) and a new run
(``POST``, ``insights.add_basketrun``). Thin: ``require_perm`` first, then one action or
query. Rates are fractions; money is a decimal string."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_category
from zhanggui.core.schemas import ERRORS, Day, Id
from zhanggui.insights import actions_basket, bundles
from zhanggui.insights.models import AssociationRule, BasketRun

router = Router()


class BasketRunOut(Schema):
    id: int
    computed_at: datetime
    period_start: date
    period_end: date
    category_id: int | None
    baskets: int
    min_support: Decimal
    min_confidence: Decimal
    itemsets: int
    rule_count: int = Field(description="rules found (the strongest 2,000 by lift are stored)")
    seconds: float


class BasketRuleOut(Schema):
    antecedent: list[int] = Field(description="product ids")
    consequent: int = Field(description="product id")
    size: int
    baskets: int
    support: Decimal
    confidence: Decimal
    lift: Decimal
    leverage: Decimal

    @staticmethod
    def resolve_consequent(obj) -> int:
        return obj.consequent_id


class BasketRulesOut(Schema):
    run: BasketRunOut | None
    rules: list[BasketRuleOut]


class BasketRulesQuery(Schema):
    category: Id | None = None
    min_lift: Decimal = Field(Decimal(0), ge=0)
    product: Id | None = Field(None, description="only rules naming this product")
    limit: int = Field(100, ge=1, le=actions_basket.MAX_STORED_RULES)


class BasketBundlesQuery(Schema):
    category: Id | None = None
    min_support: Decimal = Field(bundles.DEFAULT_MIN_SUPPORT, ge=0, le=1)
    limit: int = Field(20, ge=1, le=200)


class BasketBundleItemOut(Schema):
    product_id: int
    title: str
    sku_id: int
    price: Decimal


class BasketBundleOut(Schema):
    product_ids: list[int]
    items: list[BasketBundleItemOut]
    baskets: int
    support: Decimal
    lift: Decimal
    extra_baskets: Decimal = Field(description="baskets above chance: count − count / lift")
    list_price: Decimal
    set_price: Decimal
    promotion_url: str = Field(description="the console's promotion form, pre-filled")


class BasketRunIn(Schema):
    period_start: Day
    period_end: Day
    category_id: Id | None = None
    min_support: Decimal = Field(actions_basket.DEFAULT_MIN_SUPPORT, gt=0, le=1)
    min_confidence: Decimal = Field(actions_basket.DEFAULT_MIN_CONFIDENCE, ge=0, le=1)


def _run(category_id: int | None) -> BasketRun | None:
    category = get_category(category_id) if category_id is not None else None
    return actions_basket.latest_run(category)


@router.get("/rules", response={200: BasketRulesOut, **ERRORS})
def latest_rules(request, filters: Query[BasketRulesQuery]):
    """The latest run (shop-wide, or of ``category``) and its rules by lift, at least
    ``min_lift``, naming ``product`` when given. ``run`` is null before the first run."""
    require_perm(request, "insights.view_associationrule")
    run = _run(filters.category)
    if run is None:
        return {"run": None, "rules": []}
    rules = AssociationRule.objects.filter(run=run, lift__gte=filters.min_lift).order_by(
        "-lift", "-baskets", "pk")
    if filters.product is not None:
        pid = filters.product
        rules = [r for r in rules if r.consequent_id == pid or pid in r.antecedent]
    return {"run": run, "rules": list(rules[:filters.limit])}


@router.get("/bundles", response={200: list[BasketBundleOut], **ERRORS})
def latest_bundles(request, filters: Query[BasketBundlesQuery]):
    """Bundle suggestions (pairs and triples with lift > 1 and at least ``min_support``) of
    the latest run, best first; empty before the first run."""
    require_perm(request, "insights.view_associationrule")
    return bundles.suggest_bundles(_run(filters.category), min_support=filters.min_support,
                                   limit=filters.limit)


@router.post("/runs", response={201: BasketRunOut, **ERRORS})
def create_run(request, payload: BasketRunIn):
    """Mine the paid baskets of [period_start, period_end] (within ``category_id`` and its
    sub-categories when given) and store the run. 422 ``basket_period_invalid``, 409
    ``basket_no_baskets`` (no paid order in the period) or ``warehouse_empty``."""
    require_perm(request, "insights.add_basketrun")
    category = get_category(payload.category_id) if payload.category_id is not None else None
    run = actions_basket.mine_baskets(payload.period_start, payload.period_end, category,
                                      min_support=payload.min_support,
                                      min_confidence=payload.min_confidence, actor=request.user)
    return Status(201, run)
