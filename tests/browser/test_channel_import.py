"""A JD (京东) order export imported in a real browser: the owner uploads the sample
through the console's import page, the dry run shows the mapped rows, the import runs,
and the order list filtered to the channel jd lists the orders. Screenshots under
var/screenshots/ (channel-import-*.png)."""

from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.browser.support import log_in, screenshot
from zhanggui.imports.models import ImportRun
from zhanggui.orders.models import Order

pytestmark = pytest.mark.browser

JD_SAMPLE = Path(__file__).resolve().parents[1] / "imports" / "samples" / "jd_orders.csv"


def chinese(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def created(page: Page):
    """The run page's count of records created (of the dry run: that would be created)."""
    return page.locator("#import-run dl > div").filter(
        has=page.locator("dt", has_text=chinese("Created"))).locator("dd")


@pytest.fixture
def inline_imports(transactional_db, settings, tmp_path):
    """Imports run inside the request (no worker in the test), files kept under tmp_path."""
    settings.ZHANGGUI_IMPORTS_INLINE = True
    settings.ZHANGGUI_IMPORTS_DIR = str(tmp_path / "imports")


def test_a_jd_order_export_imports(browser_page, live_server, inline_imports):
    page, base = browser_page, live_server.url
    log_in(page, base, "owner")
    page.goto(f"{base}/imports/importrun/new/")
    page.select_option("select[name=kind]", "orders")
    page.select_option("select[name=format_name]", "jd")
    page.set_input_files("input[name=file]", str(JD_SAMPLE))
    screenshot(page, "channel-import-1-upload.png")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    expect(page.locator("#import-run")).to_be_visible()  # the dry run's page
    expect(page.locator("#run-status")).to_have_text(chinese("succeeded"))
    expect(created(page)).to_have_text("8")
    expect(page.locator("body")).to_contain_text("280000000001")  # the mapped rows
    screenshot(page, "channel-import-2-dry-run.png")
    assert not Order.objects.exists()
    page.locator(f"form[action$='/{ImportRun.objects.get().pk}/confirm/'] button[type=submit]").click()

    expect(page.locator("#import-run h2").first).not_to_contain_text(chinese("dry run"))
    expect(page.locator("#run-status")).to_have_text(chinese("succeeded"))
    expect(created(page)).to_have_text("8")
    run = ImportRun.objects.get(is_dry_run=False)
    assert (run.status, run.format_name, run.channel, run.created_count) == ("succeeded", "jd", "jd", 8)
    screenshot(page, "channel-import-3-imported.png")

    page.goto(f"{base}/orders/order/?channel=jd")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(8)
    expect(page.locator("#result_list")).to_contain_text("jd-280000000001")
    screenshot(page, "channel-import-4-orders-jd.png")
    assert Order.objects.filter(channel="jd").count() == 8
