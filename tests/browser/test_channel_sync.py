"""Channel stock sync in a real browser: the owner adjusts a SKU's stock on the stock page
(the existing adjust form); the commit recomputes both channels' quantities by their rules
(Taobao shares 60 % of the pool, JD reserves 10 units) and pushes them; the SKU's
sellable-per-channel panel shows them. Screenshots under var/screenshots/ (channel-sync-*.png)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_listing,
    make_rule,
)
from zhanggui.channels.models import PublishedQuantity
from zhanggui.inventory.models import Stock

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(transactional_db):
    taobao, jd = make_channel("taobao", name="淘宝店"), make_channel("jd", name="京东店")
    make_rule(taobao, percent="0.6")
    make_rule(jd, percent="0", fixed=10, pool="reserved")
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(code="HZ-1"), 50)  # committed: synced
    make_listing(taobao, sku)
    make_listing(jd, sku)
    return taobao, jd, sku


def row(page, code):
    return page.locator(f'#sku-channels tr[data-channel="{code}"]')


def test_a_stock_change_recomputes_two_channels_by_their_rules(browser_page, live_server, shop):
    taobao, _jd, sku = shop
    page, base = browser_page, live_server.url
    log_in(page, base, "owner")
    stock = Stock.objects.get(sku=sku)
    page.goto(f"{base}/inventory/stock/{stock.pk}/adjust/")
    page.fill("input[name=delta]", "30")
    page.fill("input[name=reason]", "盘盈")
    screenshot(page, "channel-sync-1-adjust.png")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("body")).to_contain_text("80")
    # 80 sellable: JD reserves 10; Taobao gets 60 % of the 70 left = 42.
    page.goto(f"{base}/catalog/sku/{sku.pk}/change/")
    page.locator(f'a[href$="/catalog/sku/{sku.pk}/channels-link/"]').first.click()
    expect(page.locator("#sku-sellable")).to_contain_text("80")
    expect(row(page, "taobao").locator(".quantity")).to_have_text("42")
    expect(row(page, "jd").locator(".quantity")).to_have_text("10")
    expect(row(page, "taobao").locator(".published")).to_have_text("42")
    expect(row(page, "jd").locator(".published")).to_have_text("10")
    screenshot(page, "channel-sync-2-sku-panel.png")
    assert {(q.channel.code, q.quantity, q.published_quantity)
            for q in PublishedQuantity.objects.select_related("channel")} == {
        ("taobao", 42, 42), ("jd", 10, 10)}
    # The publish log holds Taobao's one push: the first 50 units came before the listings,
    # so the stock change is the first time the SKU had a quantity there.
    page.goto(f"{base}/channels/publishrun/?channel__id__exact={taobao.pk}")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr")).to_contain_text("taobao-stock-")
    screenshot(page, "channel-sync-3-publish-log.png")
