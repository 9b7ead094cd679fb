"""The supply reports in a real browser: the suppliers' scorecard with its targets (the
analyst sees supplier codes), the stock health matrix and slow movers, and the drop-ship
profit as the owner (costs and profit shown). Screenshots under var/screenshots/ for a
person to look at."""

import pytest
from playwright.sync_api import expect

from tests.analytics.supply_store import build_supply
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
QUERY = "start=2026-11-01&end=2026-11-08"


@pytest.fixture
def live_supply(transactional_db, warehouse_dir):
    return build_supply()


def _all_charts_drawn(page) -> None:
    charts = page.locator(".report-chart")
    expect(page.locator(".report-chart svg")).to_have_count(charts.count())


def test_analyst_reads_the_supplier_scorecard_and_stock_health(browser_page, live_server,
                                                               live_supply):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 1100})
    log_in(page, live_server.url, "analyst")
    page.click("#nav-sidebar-apps a[href^='/reports/suppliers/']")
    expect(page.locator("#report-data")).to_have_count(1)
    page.goto(f"{live_server.url}/reports/suppliers/?{QUERY}")
    ship = page.locator("[data-metric='supplier_ship_within_48h_rate']")
    expect(ship.locator(".kpi-value")).to_have_text("66.67%")
    expect(ship.locator(".kpi-target")).to_have_attribute("data-meets", "false")
    reply = page.locator("[data-metric='supplier_reply_minutes']")
    expect(reply.locator(".kpi-value")).to_have_text("4.00")
    expect(reply.locator(".kpi-target")).to_contain_text("≤")
    expect(page.locator("[data-table='scorecard'] tr")).to_have_count(3)  # header, S1, S2
    expect(page.locator("[data-table='scorecard']")).not_to_contain_text("一号代发")  # codes only
    _all_charts_drawn(page)
    screenshot(page, "analytics-suppliers-scorecard.png")
    page.goto(f"{live_server.url}/reports/stock/?{QUERY}")
    expect(page.locator("[data-table='abc_xyz'] tr")).to_have_count(4)  # header, A, B, C
    expect(page.locator("[data-table='skus']")).to_contain_text("清仓")
    _all_charts_drawn(page)
    screenshot(page, "analytics-stock-health.png")


def test_owner_reads_the_dropship_profit(browser_page, live_server, live_supply):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 1100})
    log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/reports/dropship/?{QUERY}")
    expect(page.locator("[data-metric='dropship_profit'] .kpi-value")).to_have_text("¥45.00")
    expect(page.locator("[data-metric='roi'] .kpi-value")).to_have_text("4.00")
    expect(page.locator("[data-table='orders'] tr")).to_have_count(4)  # header, O1–O3
    expect(page.locator("[data-table='roi_by_supplier']")).to_contain_text("一号代发")
    _all_charts_drawn(page)
    screenshot(page, "analytics-dropship-profit.png")
