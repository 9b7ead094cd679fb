"""The recommendations on the console's product and customer pages, in a real browser
(screenshots under var/screenshots/recommend-*.png)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.catalog.actions_affinity import AffinityRow, replace_product_affinities
from zhanggui.customers.actions_recommendations import RecommendationRow, replace_recommendations

pytestmark = pytest.mark.browser


def test_product_and_customer_pages_list_the_recommendations(transactional_db, live_server,
                                                              browser_page):
    product, *related = [factories.make_product() for _ in range(3)]
    customer = factories.make_customer()
    now = timezone.now()
    replace_product_affinities([AffinityRow(product.pk, r.pk, rank, 0.5 / rank, 4 - rank)
                                for rank, r in enumerate(related, start=1)], computed_at=now)
    replace_recommendations([RecommendationRow(customer.pk, p.pk, rank, 2.5 / rank)
                             for rank, p in enumerate(related, start=1)], computed_at=now)
    page = browser_page
    log_in(page, live_server.url, "owner")
    page.goto(live_server.url + reverse("admin:catalog_product_change", args=[product.pk]))
    rows = page.locator("tr", has_text=f"{related[0].code} {related[0].title}")
    expect(rows.first).to_be_visible()
    expect(page.get_by_text(f"{related[1].code} {related[1].title}")).to_be_visible()
    screenshot(page, "recommend-product.png")
    page.goto(live_server.url + reverse("admin:customers_customer_change", args=[customer.pk]))
    expect(page.get_by_text(f"{related[1].code} {related[1].title}")).to_be_visible()
    screenshot(page, "recommend-customer.png")
    # A link leads to the related product's page.
    page.get_by_role("link", name=f"{related[0].code} {related[0].title}").first.click()
    expect(page).to_have_url(live_server.url + reverse("admin:catalog_product_change",
                                                       args=[related[0].pk]))
