"""Promotion simulation in a real browser: the owner opens a 满200减20's page, simulates it
on a past period with the date form and reads the result at the end of the page.
Screenshots under var/screenshots/ (simulation-*.png)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.insights.test_simulation import TIERS_200, _order
from zhanggui.insights.models import PromotionSimulation

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db, live_server):
    past = timezone.localdate() - timedelta(days=3)
    x = factories.make_listed_sku(price="120.00", cost="50.00")
    y = factories.make_listed_sku(price="90.00", cost="40.00")
    _order([(x, 2)], day=past)
    _order([(y, 2)], day=past)
    return factories.make_promotion("threshold", name="满200减20", tiers=TIERS_200), past


def test_simulate_a_promotion_on_a_past_period(shop, live_server, browser_page):
    promotion, past = shop
    page = browser_page
    log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/pricing/promotion/{promotion.pk}/change/")
    expect(page.locator("#no-simulations")).to_be_visible()
    page.locator(f"a[href$='/pricing/promotion/{promotion.pk}/simulate/']").first.click()
    page.fill("input[name=period_start]", past.isoformat())
    page.fill("input[name=period_end]", past.isoformat())
    screenshot(page, "simulation-form.png")
    page.locator("button[name=apply]").click()
    expect(page.locator("#simulation-table")).to_be_visible()
    row = PromotionSimulation.objects.get()
    assert (row.baskets, row.orders_affected, row.near_threshold_orders) == (2, 1, 1)
    table = page.locator(f"#simulation-table tr[data-simulation='{row.pk}']")
    expect(table.locator("[data-field=discount_cost]")).to_contain_text("¥20.00")
    expect(table.locator("[data-field=margin_after]")).to_have_text("¥220.00")
    page.locator("#promotion-simulations").scroll_into_view_if_needed()
    screenshot(page, "simulation-result.png")
