"""The promotion page's simulations: an owner simulates on a past period from the page and
sees the result with margins; an operator sees no margins; finance (may view simulations,
may not run them) is refused and nothing is stored; a bad period is shown as an error and
nothing is stored; a gift promotion offers no simulation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from tests.insights.test_simulation import TIERS_200, _order
from zhanggui.console.admin.insights_simulation import SIMULATE
from zhanggui.insights.models import PromotionSimulation
from zhanggui.insights.simulate import MAX_PERIOD_DAYS

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    past = timezone.localdate() - timedelta(days=5)
    x = factories.make_listed_sku(price="120.00", cost="50.00")
    y = factories.make_listed_sku(price="90.00", cost="40.00")
    _order([(x, 2)], day=past)
    _order([(y, 2)], day=past)
    return factories.make_promotion("threshold", tiers=TIERS_200), past


def _simulate(client, promotion, start, end, **extra):
    return client.post(reverse("admin:pricing_promotion_simulate_one", args=[promotion.pk]),
                       {"period_start": start.isoformat(), "period_end": end.isoformat()}, **extra)


def _change_page(client, promotion) -> str:
    return client.get(reverse("admin:pricing_promotion_change", args=[promotion.pk])).content.decode()


def test_owner_simulates_from_the_promotion_page(login, setup):
    promotion, past = setup
    client = login("owner")
    html = _change_page(client, promotion)
    assert 'id="no-simulations"' in html
    assert reverse("admin:pricing_promotion_simulate_one", args=[promotion.pk]) in html
    form = client.get(reverse("admin:pricing_promotion_simulate_one", args=[promotion.pk]))
    assert form.status_code == 200 and 'type="date"' in form.content.decode()
    response = _simulate(client, promotion, past, past)
    assert response.status_code == 302
    row = PromotionSimulation.objects.get()
    assert (row.baskets, row.orders_affected, row.discount_cost) == (2, 1, Decimal("20.00"))
    assert row.created_by == client.staff
    html = _change_page(client, promotion)
    assert f'data-simulation="{row.pk}"' in html
    assert 'data-field="margin_after">¥220.00<' in html  # 420 − 20 − 180
    assert 'data-field="near_threshold_orders">1<' in html


def test_operator_sees_no_margins(login, setup):
    promotion, past = setup
    client = login("operator")
    assert _simulate(client, promotion, past, past).status_code == 302
    html = _change_page(client, promotion)
    assert 'id="simulation-table"' in html
    assert 'data-field="margin_before"' not in html and 'data-field="margin_after"' not in html


def test_finance_cannot_simulate_and_nothing_is_stored(login, setup):
    promotion, past = setup
    client = login("finance")
    assert _simulate(client, promotion, past, past).status_code == 403
    assert not PromotionSimulation.objects.exists()
    html = _change_page(client, promotion)
    assert 'id="promotion-simulations"' in html  # may view them
    assert reverse("admin:pricing_promotion_simulate_one", args=[promotion.pk]) not in html


def test_bad_period_is_shown_and_nothing_is_stored(login, setup):
    promotion, past = setup
    client = login("owner")
    response = _simulate(client, promotion, past, past - timedelta(days=2), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]  # the refusal, as an error message
    assert 'name="period_start"' in response.content.decode()  # the form again
    assert not PromotionSimulation.objects.exists()


def test_gift_promotion_offers_no_simulation(login, db):
    gift = factories.make_listed_sku(price="1.00", cost="1.00")
    promotion = factories.make_promotion("gift", gift_sku=gift, min_amount=Decimal("100"))
    html = _change_page(login("owner"), promotion)
    assert reverse("admin:pricing_promotion_simulate_one", args=[promotion.pk]) not in html
    assert 'id="no-simulations"' in html


def test_the_form_states_the_longest_period():
    with translation.override("en"):
        assert f"at most {MAX_PERIOD_DAYS} days" in str(SIMULATE.help_text)
    assert f"最长 {MAX_PERIOD_DAYS} 天" in str(SIMULATE.help_text)  # zh-hans, the default
