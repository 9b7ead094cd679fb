"""The listing report in a real browser (Debian's Chromium through Playwright, headless).

The ``browser_page`` fixture (tests/browser/support.py) skips when /usr/bin/chromium is
missing and never downloads a browser. Screenshots: var/screenshots/listing-report.png and
listing-product-findings.png, for a person to look at.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.listing.support import clean_product
from zhanggui.listing import actions

pytestmark = pytest.mark.browser


@pytest.fixture
def audited_catalog(transactional_db):
    products = [clean_product(),
                clean_product(title="全网第一 國家級 法式碎花连衣裙", description=""),
                clean_product(title="限时秒杀 雪纺连衣裙 夏季", description="清仓甩卖")]
    for product in products:
        actions.audit_product(product, actor=None)
    return products


def test_operator_opens_the_listing_report_filters_by_rule_and_sees_the_worst_first(
        browser_page, live_server, audited_catalog):
    page = browser_page
    _good, worst, promo = audited_catalog
    log_in(page, live_server.url, "operator")
    page.locator("#nav-sidebar-apps").get_by_role("link", name="商品质量报告").click()
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text(worst.code)
    expect(page.get_by_text("检查全部商品")).to_be_visible()
    screenshot(page, "listing-report.png")

    page.goto(f"{live_server.url}/listing/productscore/?rule=ad_promotion_unqualified")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(promo.code)

    page.goto(f"{live_server.url}/catalog/product/{worst.pk}/change/")
    expect(page.get_by_text("使用了绝对化用语“全网第一”").first).to_be_visible()
    screenshot(page, "listing-product-findings.png")
