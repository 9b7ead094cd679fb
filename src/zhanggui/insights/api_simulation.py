"""Promotion simulation API: replay a promotion on the paid baskets of a past period
(``POST``, stored and logged) and list its past simulations (``GET``, newest first). Margin
figures only for holders of ``catalog.view_cost`` (``null`` for everyone else). Thin:
``require_perm`` first, then one action or query."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Day, Id
from zhanggui.insights.actions_simulation import simulate_promotion
from zhanggui.insights.models import PromotionSimulation
from zhanggui.pricing.queries import get_promotion

router = Router()
COST_PERMISSION = "catalog.view_cost"


class SimulationPeriodIn(Schema):
    period_start: Day
    period_end: Day


class SimulationOut(Schema):
    id: int
    promotion_id: int
    period_start: Day
    period_end: Day
    baskets: int
    orders_affected: int
    goods_amount: Decimal
    discount_cost: Decimal
    margin_before: Decimal | None = Field(None, description="only with catalog.view_cost")
    margin_after: Decimal | None = Field(None, description="only with catalog.view_cost")
    near_threshold_orders: int
    detail: dict
    seconds: float
    created_at: datetime
    created_by: str | None

    @staticmethod
    def resolve_margin_before(obj, context) -> Decimal | None:
        return obj.margin_before if context["request"].user.has_perm(COST_PERMISSION) else None

    @staticmethod
    def resolve_margin_after(obj, context) -> Decimal | None:
        return obj.margin_after if context["request"].user.has_perm(COST_PERMISSION) else None

    @staticmethod
    def resolve_created_by(obj) -> str | None:
        return obj.created_by.username if obj.created_by_id else None


@router.post("/promotions/{promotion_id}/simulations", response={201: SimulationOut, **ERRORS})
def create_simulation(request, promotion_id: Id, payload: SimulationPeriodIn):
    """Replay the promotion through the price engine on the paid orders of
    [period_start, period_end] (shop days; at most 366 days, ended before today) and store
    the figures. 422 ``simulation_period_invalid`` for a bad period,
    ``simulation_not_possible`` for a gift or free-shipping promotion."""
    require_perm(request, "insights.add_promotionsimulation")
    promotion = get_promotion(promotion_id)
    row = simulate_promotion(promotion, start=payload.period_start, end=payload.period_end,
                             actor=request.user)
    return Status(201, row)


@router.get("/promotions/{promotion_id}/simulations", response={200: list[SimulationOut], **ERRORS})
@paginate(BoundedPagination)
def list_simulations(request, promotion_id: Id):
    """The promotion's past simulations, newest first."""
    require_perm(request, "insights.view_promotionsimulation")
    promotion = get_promotion(promotion_id)
    return PromotionSimulation.objects.filter(promotion=promotion).select_related("created_by")
