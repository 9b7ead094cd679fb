"""The campaigns report in a real browser, as the owner: campaigns side by side with their
attributed GMV, cost and ROI, the arms of the split one, the chart. Screenshot under
var/screenshots/ for a person to look at."""

import pytest
from playwright.sync_api import expect

from tests.analytics.campaign_store import build_campaigns
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
QUERY = "start=2026-11-01&end=2026-11-08"


@pytest.fixture
def live_campaigns(transactional_db, warehouse_dir):
    return build_campaigns()


def test_owner_compares_the_campaigns(browser_page, live_server, live_campaigns):
    page = browser_page
    page.set_viewport_size({"width": 1440, "height": 1100})
    log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/reports/campaigns/?{QUERY}")
    expect(page.locator("[data-metric='campaign_gmv'] .kpi-value")).to_have_text("¥390.00")
    expect(page.locator("[data-metric='campaign_roi'] .kpi-value")).to_have_text("6.49")
    expect(page.locator("[data-table='campaigns'] tr")).to_have_count(3)  # header, C1, C2
    expect(page.locator("[data-table='campaigns']")).to_contain_text("40.10")
    expect(page.locator("[data-table='arms'] tr")).to_have_count(3)  # header, treat, holdout
    charts = page.locator(".report-chart")
    expect(page.locator(".report-chart svg")).to_have_count(charts.count())
    screenshot(page, "analytics-campaigns.png")
