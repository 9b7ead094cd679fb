"""The search box in the console's header, in a real browser: a phone number typed there
opens its order (Debian's Chromium through Playwright; screenshots under var/screenshots/)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_a_phone_number_typed_in_the_header_search_opens_its_order(
        browser_page, live_server, transactional_db):
    page = browser_page
    violations = _watch_csp(page)
    sku = factories.make_listed_sku(price="128.00", cost="50.00")
    factories.stock_up(sku, factories.make_warehouse(), 30)
    order = factories.make_order(sku=sku, status="shipped")  # recipient 13800000000
    factories.make_order(sku=sku, customer=factories.make_customer())  # a second one
    log_in(page, live_server.url, "service")

    page.goto(f"{live_server.url}/orders/order/")
    box = page.locator("#header-search-q")
    expect(box).to_be_visible()
    screenshot(page, "search_header.png")

    box.fill("138 0000 0000")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=138\+0000\+0000$"))
    orders = page.locator('.search-group[data-kind="orders.order"]')
    expect(orders.locator(".search-result")).to_have_count(2)
    expect(orders.locator("mark").first).to_have_text("138****0000")  # service: masked
    expect(page.locator("#console-search")).not_to_contain_text("13800000000")
    expect(page.locator("#header-search-q")).to_have_value("138 0000 0000")
    screenshot(page, "search_results.png")

    orders.get_by_role("link", name=re.compile(order.number)).click()
    expect(page).to_have_url(re.compile(rf"/orders/order/{order.pk}/change/$"))
    expect(page.locator("#order_form")).to_be_visible()
    expect(page.locator("#content")).to_contain_text(order.number)
    assert violations == []
