"""The segment pages in a real browser: an operator opens a segment evaluated twice (the trend
chart draws, no Content Security Policy violation), previews a draft definition (count and
masked customers) and opens the members (screenshots under var/screenshots/)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.analytics import warehouse
from zhanggui.customers import segments

pytestmark = pytest.mark.browser
BUYERS = {"match": "all", "conditions": [{"field": "paid_orders", "op": "gte", "value": 1},
                                         {"field": "province_code", "op": "in", "value": ["330000"]}]}


def test_operator_sees_the_trend_previews_and_opens_the_members(browser_page, live_server,
                                                                transactional_db):
    page = browser_page
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    order = factories.make_order(status="paid")
    warehouse.rebuild()
    segment = segments.create_segment("zj-buyers", name="浙江买家", definition=BUYERS, actor=None)
    segments.replace_segment_members(segment, [], measured_at=timezone.now() - timedelta(days=1))
    segments.replace_segment_members(segment, [order.customer_id])
    log_in(page, live_server.url, "operator")

    page.goto(f"{live_server.url}/customers/segment/{segment.pk}/change/")
    expect(page.locator("#segment-definition")).to_contain_text("330000")
    expect(page.locator("#segment-change")).to_have_text("+1")
    expect(page.locator("#segment-trend-chart canvas")).to_have_count(1)
    screenshot(page, "segment_page.png")

    page.goto(f"{live_server.url}/customers/segment/{segment.pk}/preview/")
    page.locator("button[name=apply]").click()
    expect(page.locator("#segment-preview-count")).to_contain_text("1")
    expect(page.locator("#segment-preview-customers")).to_contain_text(order.customer.code)
    expect(page.locator("#segment-preview-customers")).to_contain_text("138****")
    screenshot(page, "segment_preview.png")

    page.goto(f"{live_server.url}/customers/segment/{segment.pk}/change/")
    page.locator("#segment-members-link").click()
    expect(page.locator("#result_list")).to_contain_text(order.customer.code)
    screenshot(page, "segment_members.png")
    assert not violations
