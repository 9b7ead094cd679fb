"""One order's whole day in a real browser: paid with a buyer note, held by the automatic
review, fixed and released by customer service; then in the warehouse a wave, its pick
list, scan-to-pack (a wrong item refused), a tracking number, the label PDF, the parcel
shipped, collected and delivered. Screenshots under var/screenshots/ (fulfillment-*.png)."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.support import log_in, screenshot
from zhanggui.catalog.models import Sku
from zhanggui.fulfillment.models import CarrierService, RateCardRow, Shipment, Wave
from zhanggui.inventory.models import Stock
from zhanggui.orders import actions as order_actions
from zhanggui.orders.models import Order

pytestmark = pytest.mark.browser
BARCODE = "6901234567892"


@pytest.fixture
def paid_order(transactional_db):
    warehouse = factories.make_warehouse("330000")
    sku = factories.make_listed_sku(price="88.00", cost="30.00")
    Sku.objects.filter(pk=sku.pk).update(barcode=BARCODE, weight_grams=300)
    factories.stock_up(sku, warehouse, 20)
    Stock.objects.filter(sku=sku).update(bin_location="A-01-03")
    # The shop's default service (the seeded example services may or may not be there: a
    # transactional test flushes them), with a waybill range and a one-row rate card.
    CarrierService.objects.update(is_default=False)
    service, _new = CarrierService.objects.update_or_create(
        carrier="zto", level="standard",
        defaults={"name": "中通快递", "promised_days": 3, "is_default": True, "is_active": True,
                  "waybill_prefix": "ZT", "waybill_next": 1, "waybill_last": 99_999,
                  "waybill_digits": 8})
    RateCardRow.objects.filter(service=service).delete()
    RateCardRow.objects.create(service=service, first_fee_amount=Decimal("6.00"),
                               additional_fee_amount=Decimal("2.00"))
    order = order_actions.place_order(
        factories.make_customer(), lines=[order_actions.LineRequest(sku.pk, 1)],
        recipient=factories.recipient(), actor=None, shipping_amount=Decimal("0"),
        buyer_note="请周五前送到，谢谢")
    # Paid: the commit queues the automatic review (Celery runs in-process without a broker).
    order_actions.record_payment(order, method="alipay", amount=order.total_amount,
                                 succeeded=True, actor=None, transaction_id="T-E2E-1")
    return Order.objects.get(pk=order.pk), sku


def _as(page: Page, base_url: str, role: str) -> Page:
    """A fresh browser context for another member of staff."""
    other = page.context.browser.new_context(locale="zh-CN",
                                             viewport={"width": 1440, "height": 1000})
    fresh = other.new_page()
    fresh.set_default_timeout(15_000)
    log_in(fresh, base_url, role)
    return fresh


def _apply(page: Page) -> None:
    """Submit the operation form and wait for the page it leads to (the server has acted)."""
    with page.expect_navigation():
        page.locator("button[name=apply]").click()
    page.wait_for_load_state()


def test_an_order_from_held_to_delivered(browser_page, live_server, paid_order):
    order, sku = paid_order
    assert order.is_held and order.status == "paid"
    base = live_server.url

    # -- customer service: the held order, its reason, a seller note, released -----------------
    service = browser_page
    log_in(service, base, "service")
    service.goto(f"{base}/orders/order/?is_held__exact=1")
    expect(service.locator("#result_list")).to_contain_text(order.number)
    expect(service.locator("#result_list")).to_contain_text("买家留言")
    screenshot(service, "fulfillment-1-held-orders.png")
    service.locator("#result_list").get_by_text(order.number).click()
    expect(service.get_by_text("请周五前送到").first).to_be_visible()
    service.goto(f"{base}/orders/order/{order.pk}/seller-note/")
    service.locator("[name=seller_note]").fill("已与买家确认：周五前送达")
    _apply(service)
    service.goto(f"{base}/orders/order/{order.pk}/release-holds/")
    service.locator("[name=note]").fill("买家留言已处理")
    _apply(service)
    order.refresh_from_db()
    assert (order.status, order.is_held) == ("reviewed", False)
    screenshot(service, "fulfillment-2-released.png")

    # -- the warehouse: a wave, its pick list, picked ------------------------------------------
    warehouse = _as(service, base, "warehouse")
    warehouse.goto(f"{base}/fulfillment/wave/build/")
    _apply(warehouse)
    wave = Wave.objects.get()
    warehouse.goto(f"{base}/fulfillment/wave/")
    warehouse.locator("#result_list").get_by_text(wave.number).click()
    pick_list = warehouse.locator("#pick-list")
    expect(pick_list).to_contain_text("A-01-03")
    expect(pick_list).to_contain_text(sku.code)
    screenshot(warehouse, "fulfillment-3-wave.png")
    pdf_link = warehouse.locator("#pick-list a[href$='pick-list.pdf']")
    pdf = warehouse.request.get(base + pdf_link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    parcel = Shipment.objects.get(lines__order_line__order=order)
    assert parcel.status == "picking" and parcel.wave is not None

    # -- the packing bench: a wrong item refused, the right one, the weight --------------------
    warehouse.goto(f"{base}/fulfillment/wave/packing-bench/?parcel={parcel.pk}")
    warehouse.locator("[name=code]").fill("6900000000000")
    warehouse.locator("[name=code]").press("Enter")
    refused = warehouse.locator("tr.text-red-600")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("6900000000000")
    screenshot(warehouse, "fulfillment-4-wrong-scan.png")
    warehouse.locator("[name=code]").fill(BARCODE)
    warehouse.locator("[name=code]").press("Enter")
    expect(warehouse.locator("#bench-parcel")).to_contain_text("1 / 1")
    warehouse.locator("[name=weight_grams]").fill("350")
    warehouse.locator("form:has(input[name=do][value=finish]) button[type=submit]").click()
    expect(warehouse.locator("#bench-parcel")).to_contain_text("350 g")
    parcel.refresh_from_db()
    assert parcel.status == "packed" and parcel.weight_grams == 350
    assert parcel.cost_amount == Decimal("6.00")

    # -- a tracking number from the waybill range, the label, shipped ---------------------------
    warehouse.goto(f"{base}/fulfillment/shipment/")
    warehouse.locator(f"input[name=_selected_action][value='{parcel.pk}']").check()
    warehouse.locator("select[name=action]").select_option("assign_tracking_numbers_selected")
    warehouse.locator("button[name=index]").click()
    expect(warehouse.locator("button[name=apply]")).to_be_visible()  # the carrier service, asked once
    _apply(warehouse)
    expect(warehouse.locator("body")).to_contain_text("已从面单号段分配 1 个运单号")
    parcel.refresh_from_db()
    assert parcel.tracking_number == "ZT00000001"
    warehouse.goto(f"{base}/fulfillment/shipment/")
    warehouse.locator(f"input[name=_selected_action][value='{parcel.pk}']").check()
    warehouse.locator("select[name=action]").select_option("print_labels_selected")
    with warehouse.expect_response(lambda r: r.request.method == "POST"
                                   and "/fulfillment/shipment/" in r.url) as answer:
        warehouse.locator("button[name=index]").click()
    # The browser opens it in its PDF viewer (the body it reports is the viewer's page).
    assert answer.value.headers["content-type"] == "application/pdf"
    parcel.refresh_from_db()
    assert parcel.label_printed_at is not None

    warehouse.goto(f"{base}/fulfillment/shipment/{parcel.pk}/ship/")
    _apply(warehouse)
    parcel.refresh_from_db()
    order.refresh_from_db()
    assert parcel.status == "shipped" and order.status == "shipped"
    assert (parcel.carrier, parcel.tracking_number) == ("zto", "ZT00000001")

    # -- tracking: collected, then delivered ----------------------------------------------------
    for kind in ("collected", "delivered"):
        warehouse.goto(f"{base}/fulfillment/shipment/{parcel.pk}/record-event/")
        warehouse.locator("[name=kind]").select_option(kind)
        warehouse.locator("[name=location]").fill("杭州")
        _apply(warehouse)
    warehouse.goto(f"{base}/fulfillment/shipment/{parcel.pk}/change/")
    expect(warehouse.get_by_text("已签收").first).to_be_visible()
    screenshot(warehouse, "fulfillment-5-delivered.png")
    order.refresh_from_db()
    parcel.refresh_from_db()
    assert (parcel.status, order.status) == ("delivered", "delivered")
    assert parcel.collected_at is not None and parcel.events.count() == 2
