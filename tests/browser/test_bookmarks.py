"""Bookmarked and shared links in a real browser: a filtered list and a report opened
straight from their URL show the same filters, period and figures."""


import pytest
from playwright.sync_api import expect

from tests.analytics.conftest import build_store
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser

LIST_QUERY = "status__exact=paid&placed_at_from=2026-11-01&placed_at_to=2026-11-07&o=-2"
REPORT_QUERY = "start=2026-11-01&end=2026-11-08&channel=own"


@pytest.fixture
def live_store(transactional_db, warehouse_dir):
    return build_store()


def test_a_bookmarked_filtered_order_list_opens_with_its_filters(browser_page, live_server,
                                                                 live_store):
    page = browser_page
    log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/orders/order/?{LIST_QUERY}")
    o1, o2, o3, o4, o5 = live_store["orders"]
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)  # paid and placed 11-01 … 11-07: not o4 (unpaid), o5 (10-28)
    for order in (o1, o2, o3):
        expect(page.locator("#result_list")).to_contain_text(order.number)
    for order in (o4, o5):
        expect(page.locator("#result_list")).not_to_contain_text(order.number)
    expect(page.locator("select[name=status__exact]")).to_have_value("paid")
    expect(page.locator("#id_placed_at_from")).to_have_value("2026-11-01")
    expect(page.locator("#id_placed_at_to")).to_have_value("2026-11-07")
    screenshot(page, "bookmark-order-list.png")
    # the filter panel open, as a person would check what is applied
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.locator("[x-on\\:click*='filterOpen']").first.click()
    expect(page.locator("select[name=status__exact]")).to_be_visible()
    screenshot(page, "bookmark-order-list-filters.png")


def test_a_bookmarked_report_opens_with_its_period_and_the_api_figures(browser_page, live_server,
                                                                       live_store):
    page = browser_page
    log_in(page, live_server.url, "analyst")
    # the first address of a report still works: it forwards with the query string
    page.goto(f"{live_server.url}/analytics/warehouserun/reports/overview/?{REPORT_QUERY}")
    assert page.url == f"{live_server.url}/reports/overview/?{REPORT_QUERY}"
    expect(page.locator("input[name=start]")).to_have_value("2026-11-01")
    expect(page.locator("input[name=end]")).to_have_value("2026-11-08")
    expect(page.locator("select[name=channel]")).to_have_value("own")
    api = page.request.get(f"{live_server.url}/api/v1/analytics/reports/overview?{REPORT_QUERY}").json()
    gmv = next(k for k in api["kpis"] if k["code"] == "gmv")
    assert gmv["value"] == "410.00"
    card = page.locator("[data-metric='gmv']")
    expect(card.locator(".kpi-value")).to_have_text("¥410.00")
    # honest comparisons: nothing a year before is "new"; 1 order before, 3 now: both numbers
    last_year = card.locator("[data-compare=last_year]")
    expect(last_year).to_have_attribute("data-kind", "new")
    expect(last_year).to_have_text("同比 新增")
    expect(card.locator("[data-compare=previous]")).to_have_text("环比 +310.0%")
    orders = page.locator("[data-metric='orders_paid'] [data-compare=previous]")
    expect(orders).to_have_text("环比 1 → 3")
    screenshot(page, "bookmark-report.png")
    page.set_viewport_size({"width": 1440, "height": 1000})
    # a tab keeps the period and filters
    page.locator("#analytics-report nav a", has_text="销售").click()
    assert page.url == f"{live_server.url}/reports/sales/?{REPORT_QUERY}"
    expect(page.locator("input[name=start]")).to_have_value("2026-11-01")
    # a report opened without dates shows the dates it uses; its link keeps them
    page.goto(f"{live_server.url}/reports/sales/")
    start = page.locator("input[name=start]").input_value()
    assert start
    page.click("#report-permalink")
    assert f"start={start}" in page.url
