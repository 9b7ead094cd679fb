"""Paid baskets from the warehouse, stored runs and rules, bundle suggestions and the task."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.insights.basket_store import build_basket_store
from zhanggui.accounts.models import OperationLog
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.insights import actions_basket, basket_data, bundles
from zhanggui.insights.models import AssociationRule, BasketRun

NOV = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def shop(db):
    return build_basket_store()


def _sets(baskets):
    return sorted(tuple(sorted(b)) for b in baskets)


def test_paid_baskets_are_the_distinct_products_of_paid_orders_of_the_period(shop):
    a, b, c = shop["a"].pk, shop["b"].pk, shop["c"].pk
    baskets = basket_data.paid_baskets(*NOV)
    assert _sets(baskets) == _sets([[a, b]] * 4 + [[a, b, c]] * 2 + [[c]] * 2 + [[a]])


def test_a_category_holds_its_sub_categories_products_only(shop):
    a, b = shop["a"].pk, shop["b"].pk
    assert _sets(basket_data.paid_baskets(*NOV, shop["tea"].pk)) == _sets([[a, b]] * 6 + [[a]])
    assert _sets(basket_data.paid_baskets(*NOV, shop["drinks"].pk)) == _sets([[a, b]] * 6 + [[a]])
    assert _sets(basket_data.paid_baskets(date(2026, 10, 1), date(2026, 10, 31),
                                          shop["drinks"].pk)) == [(b, shop["d"].pk)]


def test_a_run_stores_the_rules_with_exact_figures_and_logs(shop):
    a, b, c = shop["a"].pk, shop["b"].pk, shop["c"].pk
    run = actions_basket.mine_baskets(*NOV, min_support=Decimal("0.2"),
                                      min_confidence=Decimal("0.5"), actor=None)
    assert (run.baskets, run.itemsets) == (9, 7)  # A, B, C, AB, AC, BC, ABC (floor 2)
    rules = {(tuple(r.antecedent), r.consequent_id): r for r in run.rules.all()}
    # AB ⇒ … : conf(A⇒B) = 6/7, conf(B⇒A) = 1, conf(AC⇒B) = 1, conf(BC⇒A) = 1, conf(C⇒A) = 0.5,
    # conf(C⇒B) = 0.5, conf(AB⇒C) = 2/6 < 0.5, conf(A⇒C) = 2/7, conf(B⇒C) = 2/6.
    assert set(rules) == {((a,), b), ((b,), a), ((a, c), b), ((b, c), a), ((c,), a), ((c,), b)}
    rule = rules[((a,), b)]
    assert rule.size == 2 and rule.baskets == 6
    assert rule.support == Decimal("0.666667")
    assert rule.confidence == Decimal("0.857143")
    assert rule.lift == Decimal("1.2857")  # (6/9) / ((7/9)(6/9)) = 9/7
    assert rule.leverage == Decimal("0.148148")  # 6/9 − 42/81 = 12/81
    assert rules[((c,), a)].lift == Decimal("0.6429")  # (2/9) / ((4/9)(7/9)) = 9/14
    assert run.rule_count == 6
    entry = OperationLog.objects.get(action="insights.mine_baskets")
    assert entry.object_id == str(run.pk) and entry.after["baskets"] == 9


def test_the_stored_rules_are_capped_at_the_strongest(shop):
    run = actions_basket.mine_baskets(*NOV, min_support=Decimal("0.2"),
                                      min_confidence=Decimal("0.5"), actor=None)
    rows = [actions_basket.RuleRow([shop["a"].pk], shop["b"].pk, 6, 7, 6),
            actions_basket.RuleRow([shop["c"].pk], shop["a"].pk, 2, 4, 7)]
    capped = actions_basket.record_basket_run(
        period_start=run.period_start, period_end=run.period_end, category=None, baskets=9,
        min_support=run.min_support, min_confidence=run.min_confidence, itemsets=7, rules=rows,
        seconds=0, actor=None, limit=1)
    assert capped.rule_count == 2
    assert [r.consequent_id for r in capped.rules.all()] == [shop["b"].pk]  # the higher lift


@pytest.mark.parametrize(("period", "code"), [
    ((date(2026, 11, 30), date(2026, 11, 1)), "basket_period_invalid"),
    ((date(2025, 1, 1), date(2026, 11, 30)), "basket_period_invalid"),
    ((date(2026, 9, 1), date(2026, 9, 30)), "basket_no_baskets"),
])
def test_refused_runs_store_nothing(shop, period, code):
    with pytest.raises(actions_basket.DomainError) as error:
        actions_basket.mine_baskets(*period, actor=None)
    assert error.value.code == code
    assert not BasketRun.objects.exists() and not OperationLog.objects.filter(
        action="insights.mine_baskets").exists()


def test_a_threshold_out_of_range_is_refused(shop):
    with pytest.raises(actions_basket.BasketThresholdInvalid):
        actions_basket.mine_baskets(*NOV, min_support=Decimal("0"), actor=None)
    with pytest.raises(actions_basket.BasketThresholdInvalid):
        actions_basket.mine_baskets(*NOV, min_confidence=Decimal("1.5"), actor=None)


def test_without_a_warehouse_mining_says_so(db):
    with pytest.raises(WarehouseEmpty):
        actions_basket.mine_baskets(*NOV, actor=None)


def test_bundles_are_pairs_and_triples_above_chance_with_a_set_price(shop):
    a, b, c = shop["a"].pk, shop["b"].pk, shop["c"].pk
    run = actions_basket.mine_baskets(*NOV, min_support=Decimal("0.2"), min_confidence=Decimal("0"),
                                      actor=None)
    found = bundles.suggest_bundles(run, min_support=Decimal("0.2"))
    by_items = {bundle.product_ids: bundle for bundle in found}
    # AB: lift 9/7; ABC: best rule AC ⇒ B or BC ⇒ A, lift 1.5 (C⇒… and AC, BC are below 1).
    assert set(by_items) == {tuple(sorted((a, b))), tuple(sorted((a, b, c)))}
    pair = by_items[tuple(sorted((a, b)))]
    assert pair.baskets == 6 and pair.lift == Decimal("1.2857")
    assert pair.extra_baskets == Decimal("1.3")  # 6 − 6 / (9/7) = 6 − 4.67
    # A's best-selling SKU is A1 (7 units against 1); 60 + 40 = 100 → 90.
    assert [i.sku_id for i in pair.items] == [shop["a1"].pk if a < b else shop["b1"].pk,
                                              shop["b1"].pk if a < b else shop["a1"].pk]
    assert (pair.list_price, pair.set_price) == (Decimal("100.00"), Decimal("90.00"))
    triple = by_items[tuple(sorted((a, b, c)))]
    assert triple.lift == Decimal("1.5000") and triple.set_price == Decimal("117.00")  # 130 × 0.9
    assert found[0] is pair  # 1.3 baskets above chance against 2 − 2 / 1.5 = 0.7
    assert "kind=bundle" in pair.promotion_url and "scope=skus" in pair.promotion_url
    assert bundles.suggest_bundles(run, min_support=Decimal("0.5")) == [pair]
    assert bundles.suggest_bundles(None) == []


def test_set_price_rounds_to_the_yuan():
    assert bundles.set_price([Decimal("19.90"), Decimal("29.90")]) == Decimal("45.00")  # 44.82
    assert bundles.set_price([Decimal("10.55")], Decimal("0")) == Decimal("11.00")


def test_the_task_mines_the_last_90_days_once_a_day(shop, settings, monkeypatch):
    from zhanggui.insights import tasks_basket

    monkeypatch.setattr(actions_basket, "default_period", lambda today=None: NOV)
    first = tasks_basket.mine_baskets_task()
    assert first is not None and BasketRun.objects.get().baskets == 9
    assert tasks_basket.mine_baskets_task() is None  # younger than a day
    assert tasks_basket.mine_baskets_task(force=True) not in (None, first)
    assert AssociationRule.objects.filter(run_id=first).exists()


def test_the_job_after_a_refresh_enqueues_the_task(shop, settings, monkeypatch):
    from zhanggui.insights import tasks_basket

    monkeypatch.setattr(actions_basket, "default_period", lambda today=None: NOV)
    settings.ZHANGGUI_BASKET_AFTER_REFRESH = False
    tasks_basket.basket_after_refresh(None)
    assert not BasketRun.objects.exists()
    settings.ZHANGGUI_BASKET_AFTER_REFRESH = True
    tasks_basket.basket_after_refresh(None)
    assert BasketRun.objects.count() == 1


@hypothesis_settings(max_examples=200, deadline=None)
@given(prices=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"),
                                   places=2), min_size=2, max_size=3),
       discount=st.decimals(min_value=Decimal("0"), max_value=Decimal("0.5"), places=2))
def test_a_set_price_is_whole_yuan_and_never_above_the_list_price_rounded(prices, discount):
    price = bundles.set_price(prices, discount)
    total = sum(prices, Decimal(0))
    assert price == price.to_integral_value() and price.as_tuple().exponent == -2
    assert abs(price - total * (1 - discount)) <= Decimal("0.5")
    assert price <= total.to_integral_value(rounding="ROUND_HALF_UP")


@hypothesis_settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_stored_figures_are_the_exact_ones_rounded(data):
    baskets = data.draw(st.integers(1, 10_000))
    antecedent = data.draw(st.integers(1, baskets))
    consequent = data.draw(st.integers(1, baskets))
    count = data.draw(st.integers(1, min(antecedent, consequent)))
    figures = actions_basket.rule_figures(
        actions_basket.RuleRow([1], 2, count, antecedent, consequent), baskets)
    n = baskets
    assert abs(figures["support"] - Decimal(count) / n) <= Decimal("0.0000005")
    assert abs(float(figures["confidence"]) - count / antecedent) <= 5e-7 + 1e-12
    assert abs(float(figures["lift"]) - count * n / (antecedent * consequent)) <= 5e-5 + 1e-9
    assert abs(float(figures["leverage"]) - (count / n - antecedent * consequent / n / n)) <= 5e-7 + 1e-12
