"""Hostile input the fuzz run (``make fuzz``) sends gets a 4xx JSON error with a stable code,
never a 500, and changes nothing: a malformed body, a huge number, a string where an id is
expected, a 10 MB body, text no database can store."""

import json
from decimal import Decimal

import pytest
from django.test import override_settings

from tests import factories
from tests.api.support import assert_error, fingerprint, stored_fields
from zhanggui.api import api
from zhanggui.core.schemas import ID_MAX, INT_MAX
from zhanggui.pricing.models import Promotion

V1 = "/api/v1"
CUSTOMERS = f"{V1}/customers"
HUGE = 10**30


def _raw(client, method: str, path: str, body: bytes):
    return client.client.generic(method, path, body, content_type="application/json",
                                 **client.headers)


def _customer_body(**fields) -> dict:
    return {"code": "C-FUZZ", "nickname": "fuzz", **fields}


def _adjust_body(sku, warehouse, delta) -> dict:
    return {"sku_id": sku.pk, "warehouse_id": warehouse.pk, "delta": delta, "reason": "count"}


@pytest.mark.parametrize("body", [
    b'{"code": "C-1", "nickname": ',  # cut off
    b"{'code': 'C-1'}",  # not JSON
    b'{"code": "\xff\xfe"}',  # not UTF-8
    b"[" * 100_000 + b"]" * 100_000,  # nested deeper than any parser follows
])
def test_a_malformed_json_body_is_400_malformed_json_and_writes_nothing(as_role, body):
    owner = as_role("owner")
    before = fingerprint()

    response = _raw(owner, "POST", CUSTOMERS, body)

    assert_error(response, 400, "malformed_json")
    assert fingerprint() == before


def test_the_malformed_json_message_follows_the_callers_language(as_role):
    english = as_role("owner", language="en")

    data = assert_error(_raw(english, "POST", CUSTOMERS, b"{"), 400, "malformed_json")

    assert data["message"] == "The request body is not valid JSON."


def test_a_10_mb_body_is_413_request_too_large_and_writes_nothing(as_role):
    owner = as_role("owner")
    body = json.dumps(_customer_body(note="x" * (10 * 1024 * 1024))).encode()
    before = fingerprint()

    response = _raw(owner, "POST", CUSTOMERS, body)

    assert_error(response, 413, "request_too_large")
    assert fingerprint() == before


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_query_parameters_is_413_request_too_large(as_role):
    owner = as_role("owner")

    response = owner.get(CUSTOMERS, **{f"x{i}": "1" for i in range(20)})

    assert_error(response, 413, "request_too_large")


def test_a_huge_stock_adjustment_is_422_and_changes_no_stock(as_role):
    owner = as_role("owner")
    sku, warehouse = factories.make_listed_sku(), factories.make_warehouse()
    factories.stock_up(sku, warehouse, 5)
    before = fingerprint()

    for delta in (HUGE, -HUGE, INT_MAX):
        response = owner.post(f"{V1}/inventory/stock/adjust", _adjust_body(sku, warehouse, delta))
        assert_error(response, 422, "invalid_input")
    assert fingerprint() == before


def test_a_huge_order_quantity_is_422_and_places_no_order(as_role):
    owner = as_role("owner")
    sku, customer = factories.make_listed_sku(), factories.make_customer()
    factories.stock_up(sku, factories.make_warehouse(), 5)
    body = {"customer_id": customer.pk, "lines": [{"sku_id": sku.pk, "quantity": HUGE}],
            "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                          "city": "杭州", "address_detail": "文三路 1 号"}}
    before = fingerprint()

    assert_error(owner.post(f"{V1}/orders", body), 422, "invalid_input")
    assert fingerprint() == before


@pytest.mark.parametrize("query", [{"page": HUGE}, {"page": 0}, {"customer_id": ID_MAX + 1},
                                   {"customer_id": HUGE}])
def test_a_huge_page_or_id_in_a_list_query_is_422(as_role, query):
    owner = as_role("owner")

    response = owner.get(f"{V1}/orders", **query)

    data = assert_error(response, 422, "invalid_input")
    assert data["errors"][0]["loc"][-1] == next(iter(query))


def test_the_largest_id_is_a_valid_filter_that_finds_nothing(as_role):
    owner = as_role("owner")
    factories.make_order()

    response = owner.get(f"{V1}/orders", customer_id=ID_MAX)

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_huge_id_in_the_path_is_not_found(as_role):
    assert_error(as_role("owner").get(f"{V1}/orders/{HUGE}"), 404, "not_found")
    # found through a foreign key (a product's listing score), which Django does not range-check
    assert_error(as_role("owner").get(f"{V1}/listing/products/{HUGE}"), 404, "not_found")


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", f"{V1}/orders/abc", None),
    ("POST", f"{V1}/orders/abc/cancel", {"reason": "buyer asked"}),
    ("POST", f"{V1}/inventory/stock/receive",
     {"sku_id": "abc", "warehouse_id": 1, "quantity": 1, "reason": "po"}),
    ("GET", f"{V1}/inventory/stock?sku_id=abc", None),
])
def test_a_string_where_an_id_is_expected_is_422(as_role, method, path, body):
    owner = as_role("owner")
    before = fingerprint()

    response = owner.request(method, path, body)

    assert_error(response, 422, "invalid_input")
    assert fingerprint() == before


@pytest.mark.parametrize("note", ["a\x00b", "\ud800"])  # NUL; an unpaired surrogate
def test_text_no_database_can_store_is_422_and_writes_nothing(as_role, note):
    owner = as_role("owner")
    before = fingerprint()

    response = _raw(owner, "POST", CUSTOMERS, json.dumps(_customer_body(note=note)).encode())

    data = assert_error(response, 422, "invalid_input")
    assert data["errors"][0]["loc"] == ["body", "note"]
    assert fingerprint() == before


def test_a_nul_in_a_json_key_or_a_query_parameter_is_422(as_role):
    owner = as_role("owner")
    sku = factories.make_listed_sku()
    before = fingerprint(sku)

    in_key = owner.patch(f"{V1}/catalog/skus/{sku.pk}", {"option_values": {"颜色\x00": "红"}})
    in_query = owner.get(CUSTOMERS, search="a\x00b")

    assert_error(in_key, 422, "invalid_input")
    assert assert_error(in_query, 422, "invalid_input")["errors"][0]["loc"] == ["query", "search"]
    assert fingerprint(sku) == before


def test_a_promotion_cannot_be_patched_to_null_where_a_value_is_required(as_role):
    owner = as_role("owner")
    promotion = factories.make_promotion("item_fixed", discount_amount=Decimal("5.00"))
    before = stored_fields(promotion)

    for field in ("is_active", "name"):
        response = owner.patch(f"{V1}/pricing/promotions/{promotion.pk}", {field: None})
        assert_error(response, 422, "invalid_input")
    assert stored_fields(promotion) == before


def test_a_promotion_with_a_missing_gift_sku_is_404_and_not_saved(as_role):
    owner = as_role("owner")
    body = {"name": "买就送", "kind": "gift", "gift_sku_id": 987654}
    count = Promotion.objects.count()

    response = owner.post(f"{V1}/pricing/promotions", body)

    assert_error(response, 404, "not_found")
    assert Promotion.objects.count() == count


def test_every_operation_documents_its_error_responses():
    schema = api.get_openapi_schema()
    missing = [f"{method.upper()} {path}: {sorted(errors - operation['responses'].keys())}"
               for path, item in schema["paths"].items() for method, operation in item.items()
               for errors in [{401, 403, 422}] if not errors <= operation["responses"].keys()]

    assert missing == []


def test_an_order_whose_total_would_overflow_the_money_columns_is_422(as_role):
    owner = as_role("owner")
    sku = factories.make_listed_sku(price="999999999999.99")  # the largest price there is
    factories.stock_up(sku, factories.make_warehouse(), 10)
    body = {"customer_id": factories.make_customer().pk,
            "lines": [{"sku_id": sku.pk, "quantity": 2}],
            "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                          "city": "杭州", "address_detail": "文三路 1 号"}}
    before = fingerprint()

    assert_error(owner.post(f"{V1}/orders", body), 422, "amount_too_large")
    assert fingerprint() == before


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", f"{V1}/orders?placed_from=0001-01-01T00:00:00%2B14:00", None),
    ("GET", f"{V1}/accounts/operation-log?created_to=9999-12-31T23:59:59-14:00", None),
    ("GET", f"{V1}/analytics/reports/overview?start=0001-01-01&end=0001-01-31", None),
    ("POST", f"{V1}/pricing/promotions",
     {"name": "包邮", "kind": "free_shipping", "ends_at": "9999-12-31T23:59:59-14:00"}),
    ("POST", CUSTOMERS, _customer_body(birthday="0001-01-01")),
])
def test_a_date_whose_utc_time_or_period_would_overflow_is_422(as_role, method, path, body):
    owner = as_role("owner")
    before = fingerprint()

    response = owner.request(method, path, body)

    data = assert_error(response, 422, "invalid_input")
    assert "the year must be from 1000 to 9000" in data["errors"][0]["msg"]
    assert fingerprint() == before
