"""Purchase orders in a real browser: the warehouse's receive form (labelled inputs per
line), the order's page after a partial receipt with a rejected unit, the supplier's page
with contacts and items, and the PO document as it prints. Screenshots under
var/screenshots/ (purchasing-*.png)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.support import SCREENSHOTS, log_in, screenshot
from zhanggui.inventory.models import Stock
from zhanggui.suppliers import actions
from zhanggui.suppliers.documents import purchase_order_html
from zhanggui.suppliers.models import PurchaseOrderStatus

pytestmark = pytest.mark.browser


@pytest.fixture
def po(transactional_db):
    supplier = factories.make_supplier(code="SUP-YW", name="义乌百货")
    actions.save_supplier_contact(supplier, name="王经理", phone="13800000000",
                                  email="wang@example.com", is_primary=True, actor=None)
    skus = [factories.make_listed_sku(cost="40.00") for _ in range(2)]
    factories.make_supplier_item(supplier, skus[0], unit_cost="20.00", supplier_code="YW-001",
                                 moq=10, pack_size=5)
    factories.make_supplier_item(supplier, skus[1], unit_cost="8.50", lead_time_days="9.0")
    return factories.make_purchase_order(supplier=supplier, lines=[(skus[0], 30), (skus[1], 12)],
                                         warehouse=factories.make_warehouse(code="HZ-1"),
                                         sent=True)


def test_receive_form_then_the_order_page(browser_page, live_server, po):
    page, base = browser_page, live_server.url
    first, second = po.lines.select_related("sku").order_by("id")
    log_in(page, base, "warehouse")
    page.goto(f"{base}/suppliers/purchaseorder/{po.pk}/receive/")
    row = page.locator(f'#receive-lines tr[data-sku="{first.sku.code}"]')
    expect(row.locator(".open-quantity")).to_have_text("30")
    row.locator("input[name$=_accepted]").fill("20")
    row.locator("input[name$=_rejected]").fill("1")
    row.locator("select[name$=_reason]").select_option("damaged")
    page.locator(f'#receive-lines tr[data-sku="{second.sku.code}"] input[name$=_accepted]'
                 ).fill("0")
    screenshot(page, "purchasing-1-receive-form.png")
    page.locator("#receive-submit").click()
    expect(page.locator("body")).to_contain_text(f"{po.number}-R1")
    screenshot(page, "purchasing-2-po-partly-received.png")
    po.refresh_from_db()
    assert po.status == PurchaseOrderStatus.PARTLY_RECEIVED
    assert Stock.objects.get(sku=first.sku, warehouse=po.warehouse).on_hand == 20


def test_supplier_page_and_the_printed_order(browser_page, live_server, po):
    page, base = browser_page, live_server.url
    log_in(page, base, "finance")
    page.goto(f"{base}/suppliers/supplier/{po.supplier_id}/change/")
    expect(page.locator('input[value="王经理"]')).to_have_count(1)
    screenshot(page, "purchasing-3-supplier.png")
    page.goto(f"{base}/suppliers/purchaseorder/")
    expect(page.locator("body")).to_contain_text(po.number)
    screenshot(page, "purchasing-4-po-list.png")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document = SCREENSHOTS / "purchasing-po.html"
    document.write_text(purchase_order_html(po, show_costs=True), encoding="utf-8")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(document.as_uri())
    expect(page.locator("#po-number")).to_have_text(po.number)
    page.screenshot(path=str(SCREENSHOTS / "purchasing-5-po-document.png"), full_page=True)
    assert timezone.localdate().strftime("%Y%m%d") in po.number
