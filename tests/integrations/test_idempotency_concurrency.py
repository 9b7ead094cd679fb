"""Concurrent repeats of one Idempotency-Key on PostgreSQL (several web processes share the
database): one order, and every repeat answers the first answer."""

import pytest

from tests import factories
from tests.api.support import ApiClient
from tests.concurrency import run_in_threads
from zhanggui.integrations.models import IdempotencyKey
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders.models import Order

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_repeats_of_one_key_place_one_order():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    customer = factories.make_customer()
    api = ApiClient(factories.make_staff("owner"))
    body = {"customer_id": customer.pk, "lines": [{"sku_id": sku.pk, "quantity": 2}],
            "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                          "city": "杭州", "address_detail": "文三路 1 号"}}

    def send(_index: int):
        response = api.post("/api/v1/orders", body, HTTP_IDEMPOTENCY_KEY="checkout-42")
        return response.status_code, response.json(), response.get("Idempotent-Replayed")

    results = run_in_threads(8, send)

    assert all(not isinstance(r, Exception) for r in results), results
    assert {status for status, _body, _replayed in results} == {201}
    assert len({body["number"] for _status, body, _replayed in results}) == 1
    assert sorted(replayed or "" for _status, _body, replayed in results) == [""] + ["true"] * 7
    assert Order.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert Stock.objects.get(sku=sku).reserved == 2
    assert ledger_mismatches() == []


def test_concurrent_requests_under_different_keys_all_act():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    api = ApiClient(factories.make_staff("owner"))
    customers = [factories.make_customer() for _ in range(6)]

    def send(index: int):
        body = {"customer_id": customers[index].pk, "lines": [{"sku_id": sku.pk, "quantity": 1}],
                "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                              "city": "杭州", "address_detail": "文三路 1 号"}}
        return api.post("/api/v1/orders", body, HTTP_IDEMPOTENCY_KEY=f"k-{index}").status_code

    assert run_in_threads(6, send) == [201] * 6
    assert Order.objects.count() == 6 and Stock.objects.get(sku=sku).reserved == 6
