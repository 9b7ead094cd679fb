from tests import factories
from tests.api.support import assert_error, fingerprint, row_counts
from zhanggui.inventory.models import Stock

STOCK = "/api/v1/inventory/stock"


def _stock(sku, warehouse) -> Stock:
    return Stock.objects.get(sku=sku, warehouse=warehouse)


def test_stock_filters_by_sku_warehouse_and_low(as_role):
    warehouse_staff = as_role("warehouse")
    sku, other_sku = factories.make_sku(), factories.make_sku()
    hangzhou, shanghai = factories.make_warehouse(), factories.make_warehouse("310000")
    factories.stock_up(sku, hangzhou, 100)
    factories.stock_up(sku, shanghai, 3)
    factories.stock_up(other_sku, hangzhou, 2)

    def ids(**query):
        return [row["id"] for row in warehouse_staff.get(STOCK, **query).json()["items"]]

    assert ids(sku_id=sku.pk) == [_stock(sku, hangzhou).pk, _stock(sku, shanghai).pk]
    assert ids(warehouse_id=hangzhou.pk) == [_stock(sku, hangzhou).pk,
                                             _stock(other_sku, hangzhou).pk]
    assert ids(low_only="true") == [_stock(sku, shanghai).pk, _stock(other_sku, hangzhou).pk]
    row = warehouse_staff.get(STOCK, sku_id=sku.pk, warehouse_id=shanghai.pk).json()["items"][0]
    assert (row["on_hand"], row["available"], row["is_low"], row["sku_code"]) == (
        3, 3, True, sku.code)


def test_receive_then_movements_by_reference(as_role):
    warehouse_staff = as_role("warehouse")
    sku, warehouse = factories.make_sku(), factories.make_warehouse()

    received = warehouse_staff.post(f"{STOCK}/receive",
                                    {"sku_id": sku.pk, "warehouse_id": warehouse.pk,
                                     "quantity": 12, "reason": "采购到货", "reference": "PO-7"})
    movements = warehouse_staff.get("/api/v1/inventory/movements", reference="PO-7").json()
    by_stock = warehouse_staff.get("/api/v1/inventory/movements",
                                   stock_id=received.json()["stock_id"]).json()

    assert received.status_code == 201
    assert received.json()["kind"] == "receive" and received.json()["on_hand_after"] == 12
    assert [m["id"] for m in movements["items"]] == [received.json()["id"]]
    assert by_stock["count"] == 1 and by_stock["items"][0]["actor_id"] == warehouse_staff.staff.pk


def test_receive_of_zero_units_is_invalid_input_and_writes_nothing(as_role):
    warehouse_staff = as_role("warehouse")
    sku, warehouse = factories.make_sku(), factories.make_warehouse()
    before = row_counts()

    response = warehouse_staff.post(f"{STOCK}/receive",
                                    {"sku_id": sku.pk, "warehouse_id": warehouse.pk,
                                     "quantity": 0, "reason": "到货"})

    assert_error(response, 422, "invalid_input")
    assert row_counts() == before


def test_adjust_below_reserved_is_a_conflict(as_role):
    warehouse_staff = as_role("warehouse")
    sku = factories.make_listed_sku()
    warehouse = factories.make_warehouse()
    factories.stock_up(sku, warehouse, 5)
    factories.make_order(sku=sku, quantity=4)
    stock = _stock(sku, warehouse)
    before = fingerprint(stock)

    response = warehouse_staff.post(f"{STOCK}/adjust",
                                    {"sku_id": sku.pk, "warehouse_id": warehouse.pk,
                                     "delta": -2, "reason": "破损"})

    assert_error(response, 409, "negative_stock")
    assert fingerprint(stock) == before


def test_adjust_by_zero_is_refused(as_role):
    warehouse_staff = as_role("warehouse")
    sku, warehouse = factories.make_sku(), factories.make_warehouse()
    factories.stock_up(sku, warehouse, 5)
    before = row_counts()

    response = warehouse_staff.post(f"{STOCK}/adjust",
                                    {"sku_id": sku.pk, "warehouse_id": warehouse.pk,
                                     "delta": 0, "reason": "盘点"})

    assert_error(response, 422, "invalid_quantity")
    assert row_counts() == before


def test_warehouses_filter_by_kind(as_role):
    warehouse_staff = as_role("warehouse")
    own = factories.make_warehouse()

    assert [w["code"] for w in warehouse_staff.get("/api/v1/inventory/warehouses",
                                                   kind="own").json()["items"]] == [own.code]
    assert warehouse_staff.get("/api/v1/inventory/warehouses",
                               kind="drop_ship").json()["count"] == 0
