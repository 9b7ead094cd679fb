"""Setups of the permission matrix's rows for promotion simulations
(``/api/v1/insights/promotions/{promotion_id}/simulations``): a 满200减20 and one paid order
of 240 two days ago."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests import factories
from tests.api.case import Case
from zhanggui.core.timeutil import day_range
from zhanggui.insights.actions_simulation import simulate_promotion
from zhanggui.orders.models import Order

TIERS = [{"threshold": "200", "amount": "20"}]


def _promotion_and_day():
    day = timezone.localdate() - timedelta(days=2)
    order = factories.make_order(sku=_stocked_sku(), quantity=2, status="paid")
    Order.objects.filter(pk=order.pk).update(paid_at=day_range(day, day)[0] + timedelta(hours=12))
    return factories.make_promotion("threshold", tiers=TIERS), day


def _stocked_sku():
    sku = factories.make_listed_sku(price="120.00", cost="50.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    return sku


def create() -> Case:
    promotion, day = _promotion_and_day()
    return Case(path={"promotion_id": promotion.pk},
                body={"period_start": day.isoformat(), "period_end": day.isoformat()},
                check=lambda data, staff: (data["baskets"], data["discount_cost"]) == (1, "20.00")
                and promotion.simulations.get().created_by == staff)


def list_() -> Case:
    promotion, day = _promotion_and_day()
    simulate_promotion(promotion, start=day, end=day, actor=None)
    return Case(path={"promotion_id": promotion.pk}, check=lambda data, staff: [
        (i["baskets"], i["orders_affected"], i["discount_cost"]) for i in data["items"]]
        == [(1, 1, "20.00")] and Decimal(data["items"][0]["goods_amount"]) == Decimal("240"))
