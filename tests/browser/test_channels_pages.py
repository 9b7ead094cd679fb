"""Channels in the browser: the operator puts a listing on sale from the listings page (a too
long title is refused and stays a draft), then reads the price conflicts."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from tests.channels.channels_factories import make_channel, make_listing
from zhanggui.channels.models import ChannelListing

pytestmark = pytest.mark.browser


def test_list_from_the_listings_page_and_read_the_conflicts(browser_page, live_server, transactional_db):
    page, base = browser_page, live_server.url
    sku = factories.make_listed_sku(price="100.00")
    taobao = make_channel("taobao", name="天猫旗舰店", title_limit=60)
    jd = make_channel("jd", name="京东自营", title_limit=20)
    make_listing(taobao, sku, title="纯棉短袖T恤")
    draft = make_listing(jd, sku, price="80.00", status="draft", title="纯棉短袖T恤")
    long_one = make_listing(jd, factories.make_listed_sku(), status="draft", title="长" * 11)
    log_in(page, base, "operator")
    page.goto(f"{base}/channels/channellisting/")
    for listing in (draft, long_one):
        page.check(f"input[name=_selected_action][value='{listing.pk}']")
    page.select_option("select[name=action]", "list_selected")
    page.click("button[name=index]")
    screenshot(page, "channels_listings.png")
    assert ChannelListing.objects.get(pk=draft.pk).status == "listed"
    assert ChannelListing.objects.get(pk=long_one.pk).status == "draft"
    page.goto(f"{base}/channels/price-conflicts/")
    rows = page.locator("#price-conflict-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("京东自营")
    screenshot(page, "channels_price_conflicts.png")
