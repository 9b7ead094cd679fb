"""The try-a-cart preview in a real browser (Debian's Chromium through Playwright, headless).

Skipped when /usr/bin/chromium is missing; never downloads a browser. The screenshot is
saved as var/screenshots/pricing_try_cart.png for a person to look at.
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture
def cart(transactional_db):
    big = factories.make_listed_sku(price="150.00")
    small = factories.make_listed_sku(price="60.00")
    factories.make_promotion("item_percent", name="新品九折", discount_rate=Decimal("0.10"), scope="skus",
                             scope_ids=[big.pk])
    factories.make_promotion("threshold", name="满200减20", tiers=[{"threshold": "200", "amount": "20"}])
    return big, small


def test_operator_tries_a_cart_and_sees_the_breakdown_and_the_threshold_warning(live_server, cart):
    big, small = cart
    staff = factories.make_staff("operator")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000}).new_page()
        page.set_default_timeout(15_000)
        try:
            page.goto(f"{live_server.url}/login/")
            page.fill("input[name=username]", staff.username)
            page.fill("input[name=password]", factories.PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator("#nav-sidebar-apps")).to_contain_text("营销价格")
            page.goto(f"{live_server.url}/pricing/promotion/try-cart/")
            page.fill("textarea[name=lines]", f"{big.code} 1\n{small.code} 1")
            page.select_option("select[name=province_code]", "330000")
            page.locator("#try-cart button[type=submit]").click()

            expect(page.locator("#breakdown-total")).to_have_text("195.00")  # 210 − 15; 195 < 满200
            expect(page.locator(".threshold-warning")).to_contain_text("满200减20")
            expect(page.locator("#breakdown-lines")).to_contain_text("新品九折")
            expect(page.locator("#try-cart")).to_contain_text("试算购物车")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            height = page.evaluate("document.documentElement.scrollHeight")
            page.set_viewport_size({"width": 1440, "height": height})
            page.screenshot(path=str(SCREENSHOTS / "pricing_try_cart.png"), full_page=True)
        finally:
            browser.close()
