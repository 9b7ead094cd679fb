"""Every report in a real browser, as the analyst: charts drawn, KPI figures equal to the
API's, an export downloaded. Screenshots under var/screenshots/ for a person to look at."""

import pytest
from playwright.sync_api import expect

from tests.analytics.conftest import build_store
from tests.browser.support import log_in, screenshot
from zhanggui.analytics.reports import REPORTS

pytestmark = pytest.mark.browser
QUERY = "start=2026-11-01&end=2026-11-08"


@pytest.fixture
def live_store(transactional_db, warehouse_dir):
    return build_store()


def _money_or_count(value, unit: str) -> str:
    if unit == "money":
        return f"¥{float(value):,.2f}"
    if unit == "rate":
        return f"{float(value) * 100:.2f}%"
    if unit == "count":
        return f"{int(value):,}"
    return f"{float(value):.2f}"


def test_analyst_opens_every_report_sees_charts_and_the_api_figures(browser_page, live_server,
                                                                    live_store):
    page = browser_page
    log_in(page, live_server.url, "analyst")
    for name in REPORTS:
        page.goto(f"{live_server.url}/reports/{name}/?{QUERY}")
        expect(page.locator(".report-chart svg").first).to_be_visible()
        charts = page.locator(".report-chart")
        assert charts.count() >= 1
        assert page.locator(".report-chart svg").count() == charts.count()  # every chart drawn
        api = page.request.get(f"{live_server.url}/api/v1/analytics/reports/{name}?{QUERY}").json()
        for kpi in api["kpis"]:
            if kpi["value"] is None:
                continue
            shown = page.locator(f"[data-metric='{kpi['code']}'] .kpi-value").inner_text()
            assert shown == _money_or_count(kpi["value"], kpi["unit"]), (name, kpi["code"])
        page.locator("#explain summary").click()
        expect(page.locator("#explain-body pre").first).to_be_visible()
        screenshot(page, f"analytics-{name}.png")
        page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{live_server.url}/reports/overview/?{QUERY}")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename == "overview_2026-11-01_2026-11-08.xlsx"
    assert page.locator("[data-metric='gmv'] .kpi-value").inner_text() == "¥410.00"
