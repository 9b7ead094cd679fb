"""Promotion simulation: a hand-computed replay, the period checks, what is stored and
logged, the API's permissions and the margins hidden without ``catalog.view_cost``."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog import actions as catalog_actions
from zhanggui.core.timeutil import day_range
from zhanggui.insights.actions_simulation import simulate_promotion
from zhanggui.insights.models import PromotionSimulation
from zhanggui.insights.simulate import SimulationNotPossible, SimulationPeriodInvalid, replay, simulate
from zhanggui.insights.simulate_data import Basket, Baskets
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order
from zhanggui.pricing import rules

D = Decimal
TIERS_200 = [{"threshold": "200", "amount": "20"}]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _order(lines, *, day: date, customer=None, status: str = "paid", channel: str = "own") -> Order:
    """A paid order of ``lines`` [(sku, quantity)] placed through the real actions, then
    moved to ``day`` (noon, shop time)."""
    warehouse = factories.make_warehouse()
    for sku, quantity in lines:
        factories.stock_up(sku, warehouse, quantity)
    order = order_actions.place_order(
        customer or factories.make_customer(), channel=channel,
        lines=[order_actions.LineRequest(sku.pk, quantity) for sku, quantity in lines],
        recipient=factories.recipient(), actor=None, shipping_amount=D("0"))
    factories._advance(order, "paid")
    noon = day_range(day, day)[0] + timedelta(hours=12)
    # a cancelled one stands for an order paid, refunded in full and cancelled
    Order.objects.filter(pk=order.pk).update(placed_at=noon - timedelta(minutes=5), paid_at=noon,
                                             status=status)
    return order


@pytest.fixture
def past():
    return timezone.localdate() - timedelta(days=10)


@pytest.fixture
def three_baskets(db, past):
    """240 (crosses 满200), 180 (20 short, an item of 90 in it), 15 (far below); plus a
    cancelled order in the period and a paid one the day after: neither is replayed."""
    x = factories.make_listed_sku(price="120.00", cost="50.00")
    y = factories.make_listed_sku(price="90.00", cost="40.00")
    z = factories.make_listed_sku(price="15.00", cost="5.00")
    _order([(x, 2)], day=past)
    _order([(y, 2)], day=past)
    _order([(z, 1)], day=past - timedelta(days=1))
    _order([(x, 5)], day=past, status="cancelled")
    _order([(x, 3)], day=past + timedelta(days=1))
    return x, y, z


def test_hand_computed_threshold_replay(three_baskets, past):
    x, _y, _z = three_baskets
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    result = simulate(promotion, past - timedelta(days=1), past)
    assert result.baskets == 3
    assert result.orders_affected == 1
    assert result.goods_amount == D("435.00")  # 240 + 180 + 15
    assert result.discount_cost == D("20.00")
    assert result.cost == D("185.00")  # 100 + 80 + 5
    assert result.margin_before == D("250.00")
    assert result.margin_after == D("230.00")
    assert result.near_threshold_orders == 1  # the 180 basket: 20 short, an item costs 90
    assert result.detail["tier_hits"] == {"200": 1}
    assert result.detail["top_skus"] == [
        {"sku_id": x.pk, "sku_code": x.code, "discount": "20.00", "orders": 1}]


def test_next_tier_and_scope(db, past):
    """满200减20 / 满300减40 on one category: only its goods count towards the thresholds."""
    shoes = factories.make_category("鞋")
    inside = catalog_actions.update_sku(
        factories.make_product(category=shoes).skus.get(), price_amount=D("110.00"),
        cost_amount=D("60.00"), actor=None)
    outside = factories.make_listed_sku(price="500.00", cost="100.00")
    _order([(inside, 2), (outside, 1)], day=past)  # in scope 220: 满200, 80 short of 300
    _order([(inside, 1), (outside, 1)], day=past)  # in scope 110: 90 short of 200
    promotion = factories.make_promotion(
        "threshold", tiers=[{"threshold": "200", "amount": "20"}, {"threshold": "300", "amount": "40"}],
        scope="categories", scope_ids=[shoes.pk])
    result = simulate(promotion, past, past)
    assert (result.baskets, result.orders_affected, result.discount_cost) == (2, 1, D("20.00"))
    assert result.near_threshold_orders == 2  # 80 ≤ 110 and 90 ≤ 110
    assert result.goods_amount == D("1330.00")
    assert result.detail["tier_hits"] == {"200": 1}
    assert [row["sku_id"] for row in result.detail["top_skus"]] == [inside.pk]


def test_repeating_threshold_with_cap(db, past):
    sku = factories.make_listed_sku(price="100.00", cost="10.00")
    _order([(sku, 5)], day=past)  # 500: 每满100减10 → 50, capped at 30; no more to gain
    _order([(sku, 1)], day=past)  # 100: 10; one more unit gives 20
    promotion = factories.make_promotion(
        "threshold", tiers=[{"threshold": "100", "amount": "10"}], is_repeating=True,
        max_discount_amount=D("30.00"))
    result = simulate(promotion, past, past)
    assert result.discount_cost == D("40.00")
    assert result.near_threshold_orders == 1
    assert result.detail["tier_hits"] == {"100×1": 1, "100×5": 1}


def test_eligibility_and_budget_are_respected(db, past):
    sku = factories.make_listed_sku(price="300.00", cost="100.00")
    _order([(sku, 1)], day=past, channel="tmall")
    _order([(sku, 1)], day=past)
    _order([(sku, 1)], day=past)
    only_own = factories.make_promotion("threshold", tiers=TIERS_200, channels=["own"],
                                        budget_uses=1)
    result = simulate(only_own, past, past)
    assert (result.baskets, result.orders_affected, result.discount_cost) == (3, 1, D("20.00"))


def test_first_order_offer_counts_each_customers_first_order_only(db, past):
    sku = factories.make_listed_sku(price="100.00", cost="30.00")
    regular, newcomer = factories.make_customer(), factories.make_customer()
    _order([(sku, 1)], day=past - timedelta(days=1), customer=regular)
    _order([(sku, 1)], day=past, customer=regular)  # not the first
    _order([(sku, 1)], day=past, customer=newcomer)
    promotion = factories.make_promotion("first_order", discount_rate=D("0.1"))
    result = simulate(promotion, past - timedelta(days=1), past)
    assert (result.baskets, result.orders_affected, result.discount_cost) == (3, 2, D("20.00"))


def test_future_window_of_the_promotion_is_ignored(db, past):
    """A promotion planned for next month is replayed on last week's baskets."""
    sku = factories.make_listed_sku(price="250.00", cost="100.00")
    _order([(sku, 1)], day=past)
    later = timezone.now() + timedelta(days=30)
    promotion = factories.make_promotion("threshold", tiers=TIERS_200, starts_at=later,
                                         ends_at=later + timedelta(days=3))
    assert simulate(promotion, past, past).discount_cost == D("20.00")


@pytest.mark.parametrize(("start", "end", "message"), [
    (20, 21, "ends before it starts"),
    (400, 1, "at most 366 days"),
    (3, 0, "must end before today"),
    (3, -2, "must end before today"),
])
def test_bad_period_is_refused_and_nothing_stored(db, owner, start, end, message):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    today = timezone.localdate()
    with pytest.raises(SimulationPeriodInvalid, match=message):
        simulate_promotion(promotion, start=today - timedelta(days=start),
                           end=today - timedelta(days=end), actor=owner)
    assert not PromotionSimulation.objects.exists()
    assert not OperationLog.objects.filter(action="insights.simulate_promotion").exists()


def test_gift_promotion_cannot_be_simulated(db, owner, past):
    gift = factories.make_listed_sku(price="1.00", cost="1.00")
    promotion = factories.make_promotion("gift", gift_sku=gift, min_amount=D("100"))
    with pytest.raises(SimulationNotPossible):
        simulate_promotion(promotion, start=past, end=past, actor=owner)
    assert not PromotionSimulation.objects.exists()


def test_action_stores_and_logs(three_baskets, owner, past):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    row = simulate_promotion(promotion, start=past - timedelta(days=1), end=past, actor=owner)
    row.refresh_from_db()
    assert (row.baskets, row.orders_affected, row.near_threshold_orders) == (3, 1, 1)
    assert (row.goods_amount, row.discount_cost) == (D("435.00"), D("20.00"))
    assert (row.margin_before, row.margin_after) == (D("250.00"), D("230.00"))
    assert row.created_by == owner
    log = OperationLog.objects.get(action="insights.simulate_promotion")
    assert log.object_id == str(row.pk) and log.actor == owner
    assert log.after["discount_cost"] == "20.00"


def test_empty_period_gives_zeros(db, owner, past):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    row = simulate_promotion(promotion, start=past, end=past, actor=owner)
    assert (row.baskets, row.orders_affected, row.discount_cost) == (0, 0, D("0"))


# ---- API --------------------------------------------------------------------------------

def _url(promotion) -> str:
    return f"/api/v1/insights/promotions/{promotion.pk}/simulations"


def _body(start: date, end: date) -> dict:
    return {"period_start": start.isoformat(), "period_end": end.isoformat()}


def test_api_runs_and_lists_with_margins_for_cost_viewers(three_baskets, login, past):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    client = login("owner")
    response = client.post(_url(promotion), _body(past - timedelta(days=1), past),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["baskets"], body["orders_affected"], body["near_threshold_orders"]) == (3, 1, 1)
    assert body["discount_cost"] == "20.00" and body["goods_amount"] == "435.00"
    assert (body["margin_before"], body["margin_after"]) == ("250.00", "230.00")
    listed = client.get(_url(promotion)).json()
    assert listed["count"] == 1 and listed["items"][0]["margin_after"] == "230.00"


def test_api_hides_margins_without_cost_permission(three_baskets, login, past):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    client = login("operator")  # may run simulations, may not see costs
    body = client.post(_url(promotion), _body(past - timedelta(days=1), past),
                       content_type="application/json").json()
    assert body["discount_cost"] == "20.00"
    assert body["margin_before"] is None and body["margin_after"] is None
    assert client.get(_url(promotion)).json()["items"][0]["margin_before"] is None


def test_api_wrong_role_gets_403_and_nothing_changes(db, login, past):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    analyst = login("analyst")  # may view simulations, not run them
    response = analyst.post(_url(promotion), _body(past, past), content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert not PromotionSimulation.objects.exists()
    assert analyst.get(_url(promotion)).status_code == 200
    service = login("service")
    assert service.get(_url(promotion)).status_code == 403


def test_api_bad_period_is_422_with_code(db, login):
    promotion = factories.make_promotion("threshold", tiers=TIERS_200)
    today = timezone.localdate()
    response = login("owner").post(_url(promotion), _body(today, today - timedelta(days=3)),
                                   content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "simulation_period_invalid"
    assert "结束日期早于开始日期" in response.json()["message"]
    assert not PromotionSimulation.objects.exists()


def test_api_unknown_promotion_is_404(db, login, past):
    response = login("owner").post("/api/v1/insights/promotions/999999/simulations",
                                   _body(past, past), content_type="application/json")
    assert response.status_code == 404


# ---- limits spent during the replay (pure: no database) -------------------------------------

def _baskets(count: int, *, price: str, quantity: int = 1, customer: int = 1):
    line = rules.CartLine(sku_id=1, quantity=quantity, unit_price=D(price), product_id=1)
    return Baskets([Basket(n, customer, "own", timezone.now(), [line], D(0)) for n in range(1, count + 1)])


def _threshold(**fields):
    return rules.OfferSpec(key="promotion:1", kind="threshold", name="满200减20",
                           tiers=((D(200), D(20)),), **fields)


def test_per_customer_limit_is_spent_across_the_period():
    result = replay(_baskets(3, price="250.00"), _threshold(), per_customer=2)
    assert (result.orders_affected, result.discount_cost) == (2, D("40.00"))
    other = replay(_baskets(3, price="250.00", customer=2), _threshold(), per_customer=5)
    assert other.orders_affected == 3


def test_amount_budget_stops_the_discount_when_used_up():
    result = replay(_baskets(4, price="250.00"), _threshold(amount_left=D("50.00")))
    assert (result.orders_affected, result.discount_cost) == (2, D("40.00"))  # 10 left < 20


def test_flash_sale_stock_cap_is_sold_through():
    spec = rules.OfferSpec(key="promotion:2", kind="flash_sale", name="秒杀",
                           special_price=D("80.00"), units_left=3)
    result = replay(_baskets(3, price="100.00", quantity=2), spec)
    assert (result.orders_affected, result.discount_cost) == (2, D("60.00"))  # 2 + 1 units
