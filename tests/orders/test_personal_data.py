"""Orders' recipient data at rest: ciphertext in the column, exact phone search through the
blind index (queries, API, console), imports fill the index, masking unchanged."""

import pytest
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.api.support import ApiClient, staff_of
from tests.imports.conftest import run_import
from zhanggui.core import crypto
from zhanggui.imports.examples import example_csv
from zhanggui.orders import queries
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders"


def _raw(column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM orders_order WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def orders():
    """Two orders to different recipients (13800000000 and 13911112222)."""
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 10)
    first = factories.make_order(sku=sku)
    second = factories.make_order(sku=sku)
    Order.objects.filter(pk=second.pk).update(recipient_phone="13911112222")
    return first, Order.objects.get(pk=second.pk)


def test_the_recipient_is_ciphertext_in_the_database(orders):
    order = orders[0]

    for column, plain in (("recipient_name", "张三丰"), ("recipient_phone", "13800000000"),
                          ("address_detail", "西湖区文三路 100 号")):
        raw = _raw(column, order.pk)
        assert raw.startswith("gAAAAA") and plain not in raw
        assert crypto.decrypt(raw) == plain
    assert _raw("recipient_phone_index", order.pk) == crypto.phone_index("13800000000")
    # Region stays plain: analytics reports by province and city.
    assert (_raw("province_code", order.pk), _raw("city", order.pk)) == ("330000", "杭州")


def test_list_orders_finds_the_recipient_phone_however_typed(orders):
    first, second = orders

    assert list(queries.list_orders(recipient_phone="+86 139-1111-2222")) == [second]
    assert list(queries.list_orders(recipient_phone="138 0000 0000")) == [first]
    assert list(queries.list_orders(recipient_phone="13700000000")) == []


def test_api_recipient_phone_filter_keeps_the_recipient_masked_without_permission(orders):
    second = orders[1]

    warehouse = ApiClient(staff_of("warehouse")).get(ORDERS, recipient_phone="139 1111 2222")
    owner = ApiClient(staff_of("owner")).get(ORDERS, recipient_phone="+8613911112222")

    [item] = warehouse.json()["items"]
    assert item["number"] == second.number
    assert (item["recipient_phone"], item["recipient_name"]) == ("139****2222", "张**")
    assert item["address_detail"] == "西湖区文三路****"
    assert owner.json()["items"][0]["recipient_phone"] == "13911112222"


def test_console_order_search_by_recipient_phone(login, orders):
    first, second = orders
    url = reverse("admin:orders_order_changelist")

    service = login("service").get(url, {"q": "139-1111-2222"}).content.decode()

    assert second.number in service and first.number not in service
    assert "139****2222" in service and "13911112222" not in service


def test_imported_orders_get_their_recipient_phone_index(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(example_csv("orders"))

    run = run_import(path, "orders")

    assert run.status == "succeeded"
    order = Order.objects.get(external_id="A1001")
    assert order.recipient_phone and _raw("recipient_phone_index", order.pk) == \
        crypto.phone_index(order.recipient_phone)
    assert list(queries.list_orders(recipient_phone=f"+86 {order.recipient_phone}")) == [order]
    assert not Order.objects.filter(recipient_phone_index="").exists()
