"""A drop-ship supplier in a real browser: its account logs in, sees only its own orders
(the sidebar: its orders and stock feed), looks up the recipient, enters the tracking number
— and the shop's parcel and order are shipped with it. Screenshots under var/screenshots/
(dropship-*.png)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import screenshot
from tests.fulfillment.dropship_support import drop_ship_order, drop_ship_supplier
from zhanggui.fulfillment.models import Shipment, SupplierOrder

pytestmark = pytest.mark.browser


@pytest.fixture
def two_suppliers(transactional_db):
    mine = drop_ship_supplier(name="义乌好货供应链")
    theirs = drop_ship_supplier(name="别家供应商")
    sales, order = drop_ship_order(mine, quantity=2)
    _other_sales, other = drop_ship_order(theirs)
    account = factories.make_staff("supplier")
    mine.accounts.add(account)
    return account, sales, order, other


def test_a_supplier_ships_its_order_with_a_tracking_number(browser_page, live_server,
                                                            two_suppliers):
    page = browser_page
    account, _sales, order, other = two_suppliers
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#nav-sidebar-apps")).to_be_visible()
    sidebar = page.locator("#nav-sidebar-apps")
    expect(sidebar.locator("a")).to_have_count(2)  # its orders and its stock feed
    expect(page.locator('[data-todo="supplier_orders_new"]')).to_be_visible()
    screenshot(page, "dropship-1-workbench.png")

    page.goto(f"{base}/fulfillment/supplierorder/")
    expect(page.get_by_text(order.number)).to_be_visible()
    expect(page.get_by_text(other.number)).to_have_count(0)
    # its stock feed's last sync, above its orders
    expect(page.locator("[data-feed-status]")).to_contain_text(order.supplier.warehouse.name)
    screenshot(page, "dropship-2-orders.png")
    assert page.goto(f"{base}/fulfillment/supplierorder/{other.pk}/change/").status == 403

    page.goto(f"{base}/fulfillment/supplierorder/{order.pk}/change/")
    page.locator('a[href$="/recipient/"]').first.click()
    page.locator("button[name=apply]").click()
    expect(page.locator("[data-recipient]")).to_contain_text("张三丰")
    expect(page.locator("[data-recipient]")).to_contain_text("13800000000")
    screenshot(page, "dropship-3-recipient.png")

    page.goto(f"{base}/fulfillment/supplierorder/{order.pk}/change/")
    page.locator('a[href$="/tracking/"]').first.click()
    page.select_option("select[name=carrier]", "zto")
    page.fill("input[name=tracking_number]", "ZT8800112233")
    page.locator("button[name=apply]").click()
    expect(page.get_by_text("ZT8800112233").first).to_be_visible()
    screenshot(page, "dropship-4-shipped.png")

    parcel = Shipment.objects.select_related("order").get(pk=order.shipment_id)
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == ("shipped", "zto",
                                                                      "ZT8800112233")
    assert parcel.order.status == "shipped"
    assert SupplierOrder.objects.get(pk=order.pk).status == "shipped"
    assert SupplierOrder.objects.get(pk=other.pk).status == "new"
