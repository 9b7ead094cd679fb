"""The drop-ship console pages: a supplier's account works its own orders only, ships with a
tracking number, exports its orders to ship, uploads its stock feed (a bad file changes
nothing); the shop's staff see every supplier; ad spend entered through the action."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests import factories
from tests.console.workbench_support import client_for, list_rows
from tests.fulfillment.dropship_support import (
    drop_ship_order,
    drop_ship_supplier,
    supplied_sku,
    supplier_account,
)
from zhanggui.accounts.models import OperationLog
from zhanggui.console.navigation import sidebar_navigation
from zhanggui.fulfillment.models import Shipment, SupplierOrder
from zhanggui.inventory.models import Stock, StockFeedRun
from zhanggui.marketing.models import AdSpend

pytestmark = pytest.mark.django_db
ORDERS = "/fulfillment/supplierorder/"


@pytest.fixture
def suppliers():
    mine, theirs = drop_ship_supplier(), drop_ship_supplier()
    _s1, order = drop_ship_order(mine)
    _s2, other = drop_ship_order(theirs)
    client = Client()
    client.staff = supplier_account(mine)
    client.force_login(client.staff)
    return client, mine, order, other


def test_a_supplier_sees_only_its_orders_and_gets_403_on_another(suppliers):
    client, _mine, order, other = suppliers
    page = client.get(ORDERS).content.decode()
    assert order.number in page and other.number not in page
    assert client.get(f"{ORDERS}{other.pk}/change/").status_code == 403
    assert client.get(f"{ORDERS}{other.pk}/tracking/").status_code == 403
    response = client.post(f"{ORDERS}{other.pk}/tracking/",
                           {"carrier": "sf", "tracking_number": "SF1", "apply": "1"})
    assert response.status_code == 403
    assert SupplierOrder.objects.get(pk=other.pk).status == "new"
    assert client.get(f"{ORDERS}{order.pk}/change/").status_code == 200
    assert "data-feed-status" in page  # its stock feed's last sync, above its orders


def test_the_supplier_sidebar_holds_its_orders_and_feed_only(suppliers, rf):
    client, *_rest = suppliers
    request = rf.get("/")
    request.user = client.staff
    links = [item["link"] for group in sidebar_navigation(request) for item in group["items"]]
    assert links == [ORDERS, "/inventory/stockfeedrun/"]


def test_the_supplier_enters_the_tracking_number_and_the_parcel_ships(suppliers):
    client, _mine, order, _other = suppliers
    response = client.post(f"{ORDERS}{order.pk}/tracking/",
                           {"carrier": "zto", "tracking_number": "ZT5566", "apply": "1"})
    assert response.status_code == 302
    parcel = Shipment.objects.get(pk=order.shipment_id)
    assert (parcel.status, parcel.tracking_number) == ("shipped", "ZT5566")
    assert SupplierOrder.objects.get(pk=order.pk).status == "shipped"


def test_looking_up_the_recipient_is_logged_and_a_get_is_not(suppliers):
    client, _mine, order, _other = suppliers
    assert "张三丰" not in client.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert "13800000000" not in client.get(f"{ORDERS}{order.pk}/recipient/").content.decode()
    page = client.post(f"{ORDERS}{order.pk}/recipient/", {"apply": "1"}).content.decode()
    assert "张三丰" in page and "13800000000" in page
    assert OperationLog.objects.filter(action="fulfillment.view_supplier_order_recipient",
                                       actor=client.staff).count() == 1


def test_the_csv_export_holds_the_selected_orders_to_ship(suppliers):
    client, _mine, order, _other = suppliers
    response = client.post(ORDERS, {"action": "export_selected", "_selected_action": [order.pk]})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert order.number in text and "13800000000" in text
    assert SupplierOrder.objects.get(pk=order.pk).exported_at is not None


def test_the_shop_staff_see_every_supplier_and_cost_only_with_view_cost(suppliers):
    _client, _mine, order, other = suppliers
    finance, operator = client_for("finance"), client_for("operator")
    assert list_rows(finance, ORDERS) == 2
    page = finance.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert "63.00" in page  # 2 × 31.50
    assert "63.00" not in operator.get(f"{ORDERS}{order.pk}/change/").content.decode()
    assert operator.get(f"{ORDERS}{other.pk}/tracking/").status_code == 403  # no ship permission


def _upload(client, warehouse, text: str):
    upload = SimpleUploadedFile("feed.csv", text.encode("utf-8-sig"), content_type="text/csv")
    return client.post("/inventory/stockfeedrun/upload/", {"warehouse": warehouse.pk,
                                                          "file": upload})


def test_a_feed_file_with_a_bad_row_changes_nothing_and_lists_the_lines(suppliers):
    client, mine, _order, _other = suppliers
    sku = supplied_sku(mine, units=5)
    page = _upload(client, mine.warehouse, f"商家编码,库存\n{sku.code},8\nNOPE,1\n{sku.code},x\n")
    text = page.content.decode()
    assert page.status_code == 200 and "data-feed-errors" in text
    assert "NOPE" in text
    assert Stock.objects.get(sku=sku, warehouse=mine.warehouse).on_hand == 5
    good = _upload(client, mine.warehouse, f"sku_code,quantity\n{sku.code},8\n")
    assert good.status_code == 302
    assert Stock.objects.get(sku=sku, warehouse=mine.warehouse).available == 8
    assert StockFeedRun.objects.filter(errors=[]).count() == 1


def test_a_supplier_cannot_upload_for_another_warehouse(suppliers):
    client, _mine, _order, _other = suppliers
    theirs = drop_ship_supplier()
    sku = supplied_sku(theirs, units=5)
    page = _upload(client, theirs.warehouse, f"sku_code,quantity\n{sku.code},1\n")
    assert page.status_code == 200  # the form refuses the warehouse
    assert Stock.objects.get(sku=sku, warehouse=theirs.warehouse).on_hand == 5


def test_the_operator_enters_ad_spend_and_the_analyst_only_reads():
    operator = client_for("operator")
    product = factories.make_product()
    response = operator.post("/marketing/adspend/add/", {
        "day": "2026-11-11", "channel": "zhitongche", "product": product.pk,
        "amount": "150.00", "note": "双11"})
    assert response.status_code == 302, response.content.decode()[:500]
    spend = AdSpend.objects.get()
    assert spend.created_by == operator.staff
    assert OperationLog.objects.filter(action="marketing.record_ad_spend").count() == 1
    analyst = client_for("analyst")
    assert analyst.get("/marketing/adspend/").status_code == 200
    assert analyst.post("/marketing/adspend/add/", {
        "day": "2026-11-12", "channel": "other", "amount": "1"}).status_code == 403
    assert AdSpend.objects.count() == 1
