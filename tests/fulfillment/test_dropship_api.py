"""The drop-ship API seen by two suppliers and the shop's staff: each supplier its own
orders only; the feed endpoint for the supplier's own warehouse only; bad rows → 422 with
their lines and nothing applied."""

import pytest

from tests import factories
from tests.api.support import ApiClient
from tests.fulfillment.dropship_support import (
    drop_ship_order,
    drop_ship_supplier,
    supplied_sku,
    supplier_account,
)
from zhanggui.accounts.models import OperationLog
from zhanggui.fulfillment.models import Shipment, SupplierOrder
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches

pytestmark = pytest.mark.django_db
SO = "/api/v1/fulfillment/supplier-orders"


@pytest.fixture
def two_suppliers():
    a, b = drop_ship_supplier(), drop_ship_supplier()
    _sales_a, order_a = drop_ship_order(a)
    _sales_b, order_b = drop_ship_order(b)
    return (ApiClient(supplier_account(a)), order_a), (ApiClient(supplier_account(b)), order_b)


def test_a_supplier_lists_and_reads_only_its_own_orders(two_suppliers):
    (client_a, order_a), (_client_b, order_b) = two_suppliers

    listed = client_a.get(SO).json()
    assert [o["number"] for o in listed["items"]] == [order_a.number]
    assert listed["items"][0]["cost_amount"] is None  # no catalog.view_cost
    assert client_a.get(f"{SO}/{order_b.pk}").status_code == 404
    assert client_a.post(f"{SO}/{order_b.pk}/recipient").status_code == 404
    assert client_a.post(f"{SO}/{order_b.pk}/accept").status_code == 404
    shipped = client_a.post(f"{SO}/{order_b.pk}/ship",
                            {"carrier": "sf", "tracking_number": "SF42"})
    assert shipped.status_code == 404
    assert SupplierOrder.objects.get(pk=order_b.pk).status == "new"
    assert Shipment.objects.get(pk=order_b.shipment_id).status == "pending"


def test_a_supplier_ships_through_the_api_and_the_parcel_and_order_ship(two_suppliers):
    (client_a, order_a), _b = two_suppliers

    assert client_a.post(f"{SO}/{order_a.pk}/accept").json()["status"] == "accepted"
    recipient = client_a.post(f"{SO}/{order_a.pk}/recipient").json()
    assert recipient["recipient_name"] == "张三丰" and recipient["recipient_phone"] == "13800000000"
    assert OperationLog.objects.filter(action="fulfillment.view_supplier_order_recipient",
                                       object_id=str(order_a.pk)).count() == 1
    response = client_a.post(f"{SO}/{order_a.pk}/ship",
                             {"carrier": "zto", "tracking_number": "ZT7788"})
    assert response.status_code == 200, response.content
    assert response.json()["tracking_number"] == "ZT7788"
    parcel = Shipment.objects.select_related("order").get(pk=order_a.shipment_id)
    assert parcel.status == "shipped" and parcel.order.status == "shipped"
    again = client_a.post(f"{SO}/{order_a.pk}/ship", {"carrier": "zto", "tracking_number": "ZT1"})
    assert again.status_code == 409 and again.json()["code"] == "supplier_order_closed"


def test_the_export_holds_the_supplier_own_orders_to_ship_with_recipients(two_suppliers):
    (client_a, order_a), (_client_b, order_b) = two_suppliers
    data = client_a.post(f"{SO}/export", {}).json()
    assert data["orders"] == 1
    assert order_a.number in data["content"] and order_b.number not in data["content"]
    assert "13800000000" in data["content"]


def test_the_shop_staff_see_every_supplier_and_the_cost_with_view_cost(two_suppliers):
    (_a, order_a), (_b, order_b) = two_suppliers
    finance = ApiClient(factories.make_staff("finance")).get(SO).json()["items"]
    assert {o["number"] for o in finance} == {order_a.number, order_b.number}
    assert all(o["cost_amount"] is not None for o in finance)
    operator = ApiClient(factories.make_staff("operator")).get(SO).json()["items"]
    assert len(operator) == 2 and all(o["cost_amount"] is None for o in operator)


def test_the_feed_endpoint_syncs_the_supplier_own_warehouse_only():
    mine, theirs = drop_ship_supplier(), drop_ship_supplier()
    client = ApiClient(supplier_account(mine))
    sku_mine, sku_theirs = supplied_sku(mine, units=3), supplied_sku(theirs, units=3)

    refused = client.post(f"/api/v1/inventory/warehouses/{theirs.warehouse_id}/feed",
                          {"rows": [{"sku_code": sku_theirs.code, "quantity": 9}]})
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_warehouse"
    bad = client.post(f"/api/v1/inventory/warehouses/{mine.warehouse_id}/feed",
                      {"rows": [{"sku_code": sku_mine.code, "quantity": 9},
                                {"sku_code": "NOPE", "quantity": 1},
                                {"sku_code": sku_mine.code, "quantity": "x"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "feed_rejected"
    assert [e["line"] for e in bad.json()["bad_rows"]] == [2, 3]
    assert Stock.objects.get(sku=sku_mine, warehouse=mine.warehouse).on_hand == 3
    good = client.post(f"/api/v1/inventory/warehouses/{mine.warehouse_id}/feed",
                       {"rows": [{"sku_code": sku_mine.code, "quantity": "9"}]})
    assert good.status_code == 201
    assert Stock.objects.get(sku=sku_mine, warehouse=mine.warehouse).available == 9
    assert Stock.objects.get(sku=sku_theirs, warehouse=theirs.warehouse).on_hand == 3
    assert ledger_mismatches() == []
