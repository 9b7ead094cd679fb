"""Livestream sessions in a real browser (issue 18): a session planned in the console with two
segments, started, its platform CSV uploaded on the metrics page, ended and reviewed with one
action (a task opens), then the live report comparing sessions (the analytics report
``live``, after a warehouse refresh). Screenshots under
var/screenshots/ (live-*.png)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import SCREENSHOTS, log_in, screenshot
from tests.live.live_factories import metrics_csv
from zhanggui.analytics import warehouse
from zhanggui.live.models import LiveSession, SessionStatus
from zhanggui.tasks.models import Task

pytestmark = pytest.mark.browser


@pytest.fixture
def skus(transactional_db):
    first = factories.make_listed_sku(price="129.00")
    second = factories.make_listed_sku(price="59.00")
    first.product.title, second.product.title = "羊毛围巾", "真丝眼罩"
    first.product.save()
    second.product.save()
    return first, second


def _pick(page, name: str, text: str) -> None:
    """Choose ``text`` in the autocomplete (select2) field ``name``."""
    select = page.locator(f"select[name={name}]")
    page.locator(f"select[name={name}] + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    # The results are fetched as one types: wait until the list holds the answer for
    # the whole text (no "searching…" row) before choosing, or the click can land on a
    # row that the next answer replaces.
    results = page.locator(".select2-container--open .select2-results__options")
    expect(results.locator(".loading-results")).to_have_count(0)
    results.locator(".select2-results__option[aria-selected]", has_text=text).first.click()
    expect(select).not_to_have_value("")


def test_plan_import_review_report(browser_page, live_server, skus):
    page, base = browser_page, live_server.url
    first, second = skus
    log_in(page, base, "operator")
    page.goto(f"{base}/live/livesession/add/")
    page.fill("input[name=title]", "周五晚场·秋冬上新")
    starts = timezone.localtime() - timedelta(minutes=5)
    page.fill("input[name=scheduled_at_0]", starts.strftime("%Y-%m-%d"))
    page.fill("input[name=scheduled_at_1]", starts.strftime("%H:%M:00"))
    page.fill("input[name=planned_minutes]", "60")
    page.fill("input[name=host_name]", "小雨")
    page.fill("input[name=gmv_target_amount]", "5000")
    page.fill("textarea[name=script]", "开场：福袋预告\n结尾：下场预告")
    add_row = page.locator("#segments-group a.add-row, #segments-group .add-row a").first
    for index, (sku, minutes, points) in enumerate(
            [(first, "25", "面料：100% 美利奴"), (second, "20", "遮光、可水洗")]):
        add_row.click()
        _pick(page, f"segments-{index}-product", sku.product.title)
        page.fill(f"input[name=segments-{index}-minutes]", minutes)
        page.locator(f"textarea[name=segments-{index}-talking_points], "
                     f"input[name=segments-{index}-talking_points]").fill(points)
    page.fill("input[name=segments-0-flash_price_amount]", "99.00")
    page.fill("input[name=segments-0-flash_cap]", "30")
    screenshot(page, "live-1-plan.png")
    page.locator("button[name=_continue], input[name=_continue]").first.click()
    expect(page).to_have_url(re.compile(r"/live/livesession/\d+/change/"))
    screenshot(page, "live-1b-saved.png")
    session = LiveSession.objects.get()
    assert [(s.position, s.start_minute, s.minutes) for s in session.segments.all()] == [
        (1, 0, 25), (2, 25, 20)]

    page.goto(f"{base}/live/sessions/{session.pk}/run-sheet/")
    expect(page.locator("#run-sheet-segments")).to_contain_text("羊毛围巾")
    screenshot(page, "live-2-run-sheet.png")

    page.goto(f"{base}/live/livesession/{session.pk}/start/")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    session.refresh_from_db()
    assert session.status == SessionStatus.LIVE

    csv_path = SCREENSHOTS.parent / "live-metrics-test.csv"
    csv_path.write_bytes(metrics_csv(
        [(m, 120, 300 + m, "1分05秒", 15, 2, 25, 3 if m < 25 else 1, "297.00" if m < 25 else "59.00")
         for m in range(45)]))
    page.goto(f"{base}/live/sessions/{session.pk}/metrics/")
    page.set_input_files("#live-import input[name=file]", str(csv_path))
    page.locator("#live-import button[type=submit]").click()
    expect(page.locator("#live-rows tbody tr")).to_have_count(45)
    expect(page.locator("#live-total")).to_contain_text("8605")  # 25 × 297 + 20 × 59
    screenshot(page, "live-3-metrics.png")

    page.goto(f"{base}/live/livesession/{session.pk}/end/")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.goto(f"{base}/live/sessions/{session.pk}/review/")
    page.fill("textarea[name=summary]", "GMV 达成 172%")
    page.fill("textarea[name=lessons]", "围巾讲解节奏好；眼罩转化低，需要试戴演示。")
    page.fill("input[name=action_0]", "下场眼罩加试戴演示")
    page.locator("#live-review-form button[type=submit]").click()
    expect(page.locator("#live-actions")).to_contain_text("下场眼罩加试戴演示")
    screenshot(page, "live-4-review.png")
    session.refresh_from_db()
    assert session.status == SessionStatus.REVIEWED
    assert Task.objects.filter(kind="live_action", title="下场眼罩加试戴演示").count() == 1

    # The live report is the analytics report ``live`` over the warehouse: its old address
    # forwards there.
    warehouse.refresh()
    page.goto(f"{base}/live/report/")
    expect(page).to_have_url(re.compile(r"/reports/live/$"))
    expect(page.locator("[data-table=sessions]")).to_contain_text("周五晚场·秋冬上新")
    expect(page.locator("[data-table=segments]")).to_contain_text("羊毛围巾")
    expect(page.locator("#kpis")).to_contain_text("GPM")
    screenshot(page, "live-5-report.png")
