"""A big export in a real browser: the order list's export becomes a background job, its
page follows the progress (polling the JSON status from a static script, under the CSP)
and offers the download when done."""

import csv
import io
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone, translation
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.exports import actions, tasks
from zhanggui.exports.models import ExportJob, ExportStatus

pytestmark = pytest.mark.browser


def chinese(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


@pytest.fixture
def many_orders(transactional_db, settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "EXPORT_BACKGROUND_ROWS": 3}
    sku = factories.make_listed_sku(price="88.00", cost="30.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    return [factories.make_order(sku=sku, status="paid") for _ in range(5)]


@pytest.fixture
def in_thread(settings):
    """Exports written by a thread of the web process, as without a broker: the page does
    not wait for the file. On PostgreSQL only: the test database of SQLite lives in memory,
    where a thread's own connection would lock tables the server's thread reads (a SQLite
    file, as in the demo, has WAL); there the export runs in the request (eager Celery)."""
    settings.ZHANGGUI_EXPORTS_IN_THREAD = connection.vendor != "sqlite"
    yield
    tasks.wait_for_background_exports()


def test_a_large_order_export_finishes_in_the_background_and_downloads(
        browser_page, live_server, many_orders, in_thread):
    page = browser_page
    log_in(page, live_server.url, "operator")
    page.goto(f"{live_server.url}/orders/order/")
    screenshot(page, "export_order_list.png")
    page.locator("#order-export button[value=csv]").click()

    expect(page.locator("#export-job")).to_be_visible()  # the job's page, at once
    # its script polls the status and reloads when the file is written
    expect(page.locator("#export-status")).to_have_text(chinese(ExportStatus.DONE.label),
                                                        timeout=20_000)
    with page.expect_download() as download_info:
        page.locator("#export-download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("orders-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(o.number for o in many_orders)
    assert "138****0000" in rows[1]  # operators get the phone masked
    screenshot(page, "export_done.png")


def test_the_export_page_follows_a_running_job_until_it_is_done(
        browser_page, live_server, many_orders):
    page = browser_page
    log_in(page, live_server.url, "operator")
    staff = ExportJob._meta.get_field("requested_by").related_model.objects.latest("pk")
    # Queued without the action, so no task runs until the test runs it below.
    job = ExportJob.objects.create(requested_by=staff, kind="orders", title="订单", file_format="csv",
                                   parameters={"query": ""}, rows_total=5,
                                   created_at=timezone.now())
    page.goto(f"{live_server.url}/exports/exportjob/{job.pk}/page/")
    expect(page.locator("#export-status")).to_have_text(chinese(ExportStatus.QUEUED.label))
    expect(page.locator("#export-download")).to_have_count(0)
    screenshot(page, "export_queued.png")

    actions.run_export(job)
    # The page's script polls the status, then reloads with the download link.
    expect(page.locator("#export-download")).to_be_visible(timeout=10_000)
    expect(page.locator("#export-rows")).to_contain_text("5")
