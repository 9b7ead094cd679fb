from tests import factories
from tests.api.support import assert_error, fingerprint, row_counts
from zhanggui.inventory.models import Stock

FULFILLMENT = "/api/v1/fulfillment"


def test_ship_then_deliver(as_role):
    warehouse_staff = as_role("warehouse")
    order = factories.make_order(status="reviewed", quantity=2)
    stock = Stock.objects.get(sku=order.lines.get().sku)

    shipped = warehouse_staff.post(f"{FULFILLMENT}/orders/{order.pk}/ship",
                                   {"carrier": "zto", "tracking_number": "ZT123"})
    delivered = warehouse_staff.post(
        f"{FULFILLMENT}/shipments/{shipped.json()['id']}/deliver")

    assert shipped.status_code == 201
    assert shipped.json()["order_number"] == order.number
    assert shipped.json()["shipped_by_id"] == warehouse_staff.staff.pk
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (98, 0)
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    order.refresh_from_db()
    assert order.status == "delivered"


def test_shipping_an_unreviewed_order_is_an_invalid_transition(as_role):
    warehouse_staff = as_role("warehouse")
    order = factories.make_order(status="paid")
    before = fingerprint(order)

    response = warehouse_staff.post(f"{FULFILLMENT}/orders/{order.pk}/ship",
                                    {"carrier": "sf", "tracking_number": "SF9"})

    assert_error(response, 409, "invalid_transition")
    assert fingerprint(order) == before


def test_duplicate_tracking_number_and_unknown_carrier_are_refused(as_role):
    warehouse_staff = as_role("warehouse")
    factories.make_order(status="shipped")
    taken = factories.make_order(status="shipped").shipments.get().tracking_number
    order = factories.make_order(status="reviewed")
    before = row_counts()

    duplicate = warehouse_staff.post(f"{FULFILLMENT}/orders/{order.pk}/ship",
                                     {"carrier": "sf", "tracking_number": taken})
    unknown = warehouse_staff.post(f"{FULFILLMENT}/orders/{order.pk}/ship",
                                   {"carrier": "pigeon", "tracking_number": "P1"})
    blank = warehouse_staff.post(f"{FULFILLMENT}/orders/{order.pk}/ship",
                                 {"carrier": "sf", "tracking_number": "   "})

    assert_error(duplicate, 409, "duplicate_tracking_number")
    assert_error(unknown, 422, "invalid_input")
    assert_error(blank, 422, "invalid_input")
    assert row_counts() == before


def test_delivering_twice_is_a_conflict(as_role):
    warehouse_staff = as_role("warehouse")
    shipment = factories.make_order(status="delivered").shipments.get()

    response = warehouse_staff.post(f"{FULFILLMENT}/shipments/{shipment.pk}/deliver")

    assert_error(response, 409, "already_delivered")


def test_shipments_filter_by_order_and_carrier(as_role):
    operator = as_role("operator")
    first = factories.make_order(status="shipped")
    factories.make_order(status="shipped")

    by_order = operator.get(f"{FULFILLMENT}/shipments", order_id=first.pk).json()
    by_carrier = operator.get(f"{FULFILLMENT}/shipments", carrier="jd").json()

    assert [s["order_id"] for s in by_order["items"]] == [first.pk]
    assert by_carrier["count"] == 0
