"""The customer-service report in a real browser, as the analyst: the desk's KPI cards, the
agents' table and the charts. Screenshot under var/screenshots/ for a person to look at."""

import pytest
from playwright.sync_api import expect

from tests.analytics.service_store import build_service
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
QUERY = "start=2026-11-01&end=2026-11-08"


@pytest.fixture
def live_desk(transactional_db, warehouse_dir):
    return build_service()


def test_analyst_reads_the_service_kpis_per_agent(browser_page, live_server, live_desk):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 1100})
    log_in(page, live_server.url, "analyst")
    page.click("#nav-sidebar-apps a[href^='/reports/service/']")
    expect(page.locator("#report-data")).to_have_count(1)
    page.goto(f"{live_server.url}/reports/service/?{QUERY}")
    expect(page.locator("[data-metric='first_response_time'] .kpi-value")).to_have_text("7.00")
    expect(page.locator("[data-metric='csat'] .kpi-value")).to_have_text("66.67%")
    expect(page.locator("[data-table='agents'] tr")).to_have_count(3)  # header, 小王, 小李
    expect(page.locator("[data-table='agents']")).to_contain_text("小王")
    charts = page.locator(".report-chart")
    expect(page.locator(".report-chart svg")).to_have_count(charts.count())
    screenshot(page, "analytics-service.png")
