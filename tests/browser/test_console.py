"""The console in a real browser: Debian's Chromium driven by Playwright (headless).

Never downloads a browser: the tests are skipped when /usr/bin/chromium is missing.
Screenshots are saved under var/screenshots/ for a person to look at.
"""

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def paid_order(transactional_db):
    sku = factories.make_listed_sku(price="128.00", cost="50.00")
    factories.stock_up(sku, factories.make_warehouse(), 30)
    return factories.make_order(sku=sku, quantity=2, status="reviewed", shipping="8.00")


def open_order(page: Page, base_url: str, number: str) -> None:
    page.goto(f"{base_url}/orders/order/")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#order_form")).to_be_visible()


def test_operator_opens_an_order_and_sees_its_lines_and_history_in_chinese(
        browser_page, live_server, paid_order):
    page = browser_page
    log_in(page, live_server.url, "operator")
    open_order(page, live_server.url, paid_order.number)

    line = paid_order.lines.get()
    lines = page.locator("#lines-group")
    expect(lines).to_contain_text("订单明细")
    expect(lines).to_contain_text(line.product_title)
    expect(lines).to_contain_text(line.sku_code)
    expect(lines).to_contain_text("¥128.00")
    expect(lines).not_to_contain_text("¥50.00")  # operators do not see cost
    history = page.locator("#object-history")
    expect(history).to_contain_text("操作记录")
    expect(history).to_contain_text("下单")
    expect(history).to_contain_text("审单")
    expect(history).to_contain_text("待付款")
    expect(page.locator("#payments-group")).to_contain_text("支付宝")

    screenshot(page, "order_page.png")


def test_customer_service_sees_the_recipient_phone_masked(browser_page, live_server, paid_order):
    page = browser_page
    log_in(page, live_server.url, "service")
    open_order(page, live_server.url, paid_order.number)

    content = page.locator("#content")
    expect(content).to_contain_text("138****0000")
    expect(content).not_to_contain_text(paid_order.recipient_phone)
    expect(content).not_to_contain_text(paid_order.address_detail)
    screenshot(page, "order_page_service.png")


def test_warehouse_ships_an_order_through_the_ship_form(browser_page, live_server, paid_order):
    page = browser_page
    log_in(page, live_server.url, "warehouse")
    open_order(page, live_server.url, paid_order.number)
    page.locator("a[href$='/ship/']").click()
    page.select_option("select[name=carrier]", "sf")
    page.fill("input[name=tracking_number]", "SF1234567890")
    screenshot(page, "ship_form.png")
    page.locator("button[name=apply]").click()

    expect(page.locator("#shipments-group")).to_contain_text("SF1234567890")
    paid_order.refresh_from_db()
    assert paid_order.status == "shipped"
