"""The console in a real browser: Debian's Chromium driven by Playwright (headless).

Never downloads a browser: the module is skipped when /usr/bin/chromium is missing.
Screenshots are saved under var/screenshots/ for a person to look at.
"""

import os
from pathlib import Path

import pytest

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed",
                allow_module_level=True)

# Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


@pytest.fixture
def paid_order(transactional_db):
    sku = factories.make_listed_sku(price="128.00", cost="50.00")
    factories.stock_up(sku, factories.make_warehouse(), 30)
    return factories.make_order(sku=sku, quantity=2, status="reviewed", shipping="8.00")


def log_in(page: Page, base_url: str, role: str) -> None:
    staff = factories.make_staff(role)
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", staff.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#nav-sidebar-apps")).to_be_visible()


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot; the viewport grows to the page so sticky bars stay at the end."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1440, "height": height})
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


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
