"""Issue 17's must-show in a real browser: on the demo store with its planted anomalies of
yesterday (WeChat Pay failing all day, a refund spike in 美妆), the owner opens yesterday's
briefing from the workbench, sees the payment-failure anomaly as the first action, follows
its link and lands on the anomaly's page (its explaining payment method and drill-down).
Screenshots under var/screenshots/ (briefing-*.png)."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.demo.conftest import FAST_HASHERS
from tests.insights.test_anomalies_demo import SCALE, SMALL_SHOP, TODAY, YESTERDAY
from zhanggui.analytics import warehouse
from zhanggui.console.workbench import briefing_panel
from zhanggui.demo.context import SeedOptions
from zhanggui.demo.seed import seed_demo
from zhanggui.insights.briefing import build_briefing
from zhanggui.insights.models import Anomaly

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_briefing(transactional_db, settings, live_server, monkeypatch):
    settings.ZHANGGUI_ANOMALIES = {**settings.ZHANGGUI_ANOMALIES, "MIN_VOLUME": SMALL_SHOP}
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        seed_demo(SeedOptions(scale=SCALE, today=TODAY), write=lambda _line: None)
    warehouse.rebuild()
    built = build_briefing(YESTERDAY)  # what the morning task builds on the demo's day
    # The demo's "today" is a fixed day: its yesterday is the workbench's report day.
    monkeypatch.setattr(briefing_panel, "report_day", lambda: YESTERDAY)
    return built


def test_the_owner_opens_the_briefing_and_follows_the_top_action(demo_briefing, browser_page,
                                                                 live_server):
    top = demo_briefing.actions.get(rank=1)
    anomaly = Anomaly.objects.get(pk=top.detail["anomaly_id"])
    assert (top.kind, anomaly.metric, anomaly.dimension) == (
        "anomaly", "payment_failure_rate", "payment_method")
    page = browser_page
    log_in(page, live_server.url, "owner")
    page.goto(f"{live_server.url}/")
    panel = page.locator("#workbench-briefing")
    expect(panel).to_be_visible()
    expect(panel.locator("li").first).to_contain_text(top.title)
    screenshot(page, "briefing-workbench.png")

    panel.locator("#workbench-briefing-open").click()
    expect(page).to_have_url(re.compile(f"/insights/daily-briefing/{YESTERDAY.isoformat()}/$"))
    first = page.locator("#briefing-actions tr.briefing-action").first
    expect(first).to_have_attribute("data-rank", "1")
    expect(first).to_have_attribute("data-kind", "anomaly")
    expect(first.locator(".action-title")).to_have_text(top.title)
    expect(page.locator("#briefing-causes")).to_contain_text(anomaly.dimension_label)
    expect(page.locator("#briefing-kpis tr[data-kpi=gmv] a").first).to_have_attribute(
        "href", re.compile(r"/metrics/#gmv$"))
    screenshot(page, "briefing-page.png")

    first.locator("a.action-go").click()
    expect(page).to_have_url(re.compile(f"/insights/anomaly/{anomaly.pk}/change/"))
    expect(page.locator("body")).to_contain_text(anomaly.dimension_label)
    screenshot(page, "briefing-followed.png")

    page.goto(f"{live_server.url}/metrics/#payment_failure_rate")
    expect(page.locator("tr#payment_failure_rate")).to_be_visible()
    screenshot(page, "briefing-glossary.png")
