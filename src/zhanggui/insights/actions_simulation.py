"""Promotion simulations: run the replay (``insights.simulate``) and store its figures as a
``PromotionSimulation``, with an entry in the operation log. Nothing else is changed."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.core.money import to_money
from zhanggui.insights.models import PromotionSimulation
from zhanggui.insights.simulate import simulate
from zhanggui.pricing.models import Promotion

LOGGED = ("promotion_id", "period_start", "period_end", "baskets", "orders_affected",
          "goods_amount", "discount_cost", "margin_before", "margin_after", "near_threshold_orders")


def simulate_promotion(promotion: Promotion, *, start: date, end: date,
                       actor: Staff | None) -> PromotionSimulation:
    """Replay ``promotion`` on the paid baskets of [start, end] and store the result.

    Raises:
        SimulationPeriodInvalid: the period ends before it starts, is longer than a year or
            has not ended yet (nothing is stored).
        SimulationNotPossible: a gift or free-shipping promotion (nothing is stored).
    """
    result = simulate(promotion, start, end)  # read-only: outside the write transaction
    with transaction.atomic():
        row = PromotionSimulation.objects.create(
            promotion=promotion, period_start=start, period_end=end, baskets=result.baskets,
            orders_affected=result.orders_affected, goods_amount=to_money(result.goods_amount),
            discount_cost=to_money(result.discount_cost),
            margin_before=to_money(result.margin_before), margin_after=to_money(result.margin_after),
            near_threshold_orders=result.near_threshold_orders, detail=result.detail,
            seconds=round(result.seconds, 3), created_at=timezone.now(), created_by=actor)
        log_operation(row, action="insights.simulate_promotion", actor=actor,
                      after=snapshot(row, LOGGED))
    return row
