"""Basket analysis in a real browser: the owner mines a period, reads the rules and the
bundle suggestions, and opens a suggestion's bundle promotion form, pre-filled.
Screenshots under var/screenshots/ (basket-*.png)."""

import json
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.insights.basket_store import build_basket_store
from zhanggui.insights.models import BasketRun
from zhanggui.pricing.models import Promotion

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db, live_server):
    return build_basket_store()


def test_mine_read_and_open_a_bundle_promotion(shop, live_server, browser_page):
    page = browser_page
    log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/insights/basket/")
    expect(page.locator("#basket-page")).to_be_visible()
    page.fill("#basket-mine input[name=period_start]", "2026-11-01")
    page.fill("#basket-mine input[name=period_end]", "2026-11-30")
    page.fill("#basket-mine input[name=min_support_percent]", "20")
    page.fill("#basket-mine input[name=min_confidence_percent]", "0")
    page.click("#basket-mine button[type=submit]")
    expect(page.locator("#basket-rules")).to_be_visible()
    run = BasketRun.objects.get()
    assert run.baskets == 9 and run.actor is not None
    expect(page.locator("#basket-rules")).to_contain_text(shop["a"].title)
    expect(page.locator("#basket-rules tbody tr")).to_have_count(run.rule_count)
    screenshot(page, "basket-rules.png")

    bundle = page.locator("#basket-bundles tbody tr").first
    expect(bundle).to_contain_text("¥90.00")
    bundle.get_by_role("link").click()
    expect(page.locator("select[name=kind]")).to_have_value("bundle")
    expect(page.locator("select[name=scope]")).to_have_value("skus")
    ids = json.loads(page.locator("[name=scope_ids]").input_value())
    assert sorted(ids) == sorted([shop["a1"].pk, shop["b1"].pk])
    expect(page.locator("[name=special_price_amount]")).to_have_value("90.00")
    screenshot(page, "basket-bundle-promotion.png")
    page.click("button[name=_save], input[name=_save]")
    expect(page.locator("#changelist, .messagelist, [role=alert]").first).to_be_visible()
    promotion = Promotion.objects.get()
    assert (promotion.kind, promotion.scope, sorted(promotion.scope_ids)) == (
        "bundle", "skus", sorted([shop["a1"].pk, shop["b1"].pk]))
    assert promotion.special_price_amount == Decimal("90.00")
