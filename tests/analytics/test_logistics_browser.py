"""The logistics report in a real browser, as the analyst: the sidebar entry, the KPI cards
with the ship rate's target and what the rates leave out, the charts drawn (the trend with
its 95 % line), the scorecards, the carrier filter. A screenshot under var/screenshots/
for a person to look at."""

import pytest
from playwright.sync_api import expect

from tests.analytics.test_logistics_data import build_parcels
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
QUERY = "start=2026-11-01&end=2026-11-08"


@pytest.fixture
def live_parcels(transactional_db, warehouse_dir):
    return build_parcels()


def test_analyst_reads_the_carrier_scorecards(browser_page, live_server, live_parcels):
    page = browser_page
    log_in(page, live_server.url, "analyst")
    page.click("#nav-sidebar-apps a[href^='/reports/logistics/']")
    expect(page.locator("#report-data")).to_have_count(1)
    page.goto(f"{live_server.url}/reports/logistics/?{QUERY}")
    ship = page.locator("[data-metric='ship_within_48h_rate']")
    expect(ship.locator(".kpi-value")).to_have_text("71.43%")  # 5 of 7 orders due
    expect(ship.locator(".kpi-target")).to_have_attribute("data-meets", "false")
    expect(ship.locator(".kpi-target")).to_contain_text("95.00%")
    expect(page.locator("[data-metric='logistics_cost_per_parcel'] .kpi-value")).to_have_text("¥11.25")
    expect(page.locator("[data-metric='on_time_delivery_rate'] .kpi-note")).to_contain_text("1")
    charts = page.locator(".report-chart")
    expect(page.locator(".report-chart svg")).to_have_count(charts.count())  # every chart drawn
    trend = page.locator("[data-chart='ship_rate_trend'] svg")
    expect(trend).to_contain_text("95%")  # the target line's label
    scorecard = page.locator("[data-table='scorecard'] tr")
    expect(scorecard).to_have_count(5)  # header, sf, yto, zto, no carrier
    page.locator("#explain summary").click()
    expect(page.locator("[data-explain='parcel_facts'] pre")).to_be_visible()
    screenshot(page, "analytics-logistics-scorecards.png")
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.select_option("select[name=carrier]", "zto")
    page.click("#report-filters button[type=submit]")
    expect(page.locator("[data-table='scorecard'] tr")).to_have_count(2)  # header, zto
    assert "carrier=zto" in page.url
