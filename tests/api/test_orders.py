import re

from tests import factories
from tests.api.support import ApiClient, assert_error, fingerprint, row_counts
from zhanggui.inventory.models import Reservation, Stock

ORDERS = "/api/v1/orders"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _order_body(sku, customer, quantity: int) -> dict:
    return {"customer_id": customer.pk, "lines": [{"sku_id": sku.pk, "quantity": quantity}],
            "recipient": {"name": "张三", "phone": "13800000000", "province_code": "330000",
                          "city": "杭州", "address_detail": "文三路 1 号"},
            "shipping_amount": "8.00"}


def test_place_order_returns_exact_amounts(as_role):
    owner = as_role("owner")
    sku = factories.make_listed_sku(price="19.90")
    factories.stock_up(sku, factories.make_warehouse(), 10)

    response = owner.post(ORDERS, _order_body(sku, factories.make_customer(), 3))

    data = response.json()
    assert response.status_code == 201
    assert (data["goods_amount"], data["shipping_amount"], data["total_amount"]) == (
        "59.70", "8.00", "67.70")
    assert data["lines"][0]["unit_price_amount"] == "19.90"


def test_insufficient_stock_is_409_in_the_callers_language_and_writes_nothing(as_role):
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 2)
    customer = factories.make_customer()
    english, chinese = as_role("owner", language="en"), as_role("owner")
    before = row_counts()

    in_english = english.post(ORDERS, _order_body(sku, customer, 3))
    in_chinese = chinese.post(ORDERS, _order_body(sku, customer, 3))

    en = assert_error(in_english, 409, "insufficient_stock")
    zh = assert_error(in_chinese, 409, "insufficient_stock")
    assert en["message"] == f"Not enough stock for {sku.code}: 3 requested, 2 available."
    assert en["message"] != zh["message"] and HAN.search(zh["message"])
    assert row_counts() == before
    assert not Reservation.objects.exists()
    assert Stock.objects.get(sku=sku).reserved == 0


def test_framework_errors_follow_the_language_too(as_role):
    default = ApiClient(None).get(ORDERS).json()
    english = ApiClient(None, language="en").get(ORDERS).json()
    invalid = as_role("owner", language="en").post(ORDERS, {"lines": []}).json()

    assert english["code"] == default["code"] == "not_authenticated"
    assert english["message"] == "Authentication is required."
    assert HAN.search(default["message"])  # zh-hans unless the caller asks otherwise
    assert invalid["code"] == "invalid_input" and invalid["message"] == "The input is not valid."


def test_payment_on_a_cancelled_order_is_an_invalid_transition(as_role):
    finance = as_role("finance")
    order = factories.make_order(status="cancelled")
    before = fingerprint(order)

    response = finance.post(f"{ORDERS}/{order.pk}/payments",
                            {"method": "alipay", "amount": str(order.total_amount),
                             "succeeded": True})

    assert_error(response, 409, "invalid_transition")
    assert fingerprint(order) == before


def test_unknown_payment_method_is_invalid_input(as_role):
    finance = as_role("finance")
    order = factories.make_order()
    before = fingerprint(order)

    response = finance.post(f"{ORDERS}/{order.pk}/payments",
                            {"method": "bitcoin", "amount": "1.00", "succeeded": True})

    assert_error(response, 422, "invalid_input")
    assert fingerprint(order) == before


def test_failed_payment_records_its_reason(as_role):
    finance = as_role("finance")
    order = factories.make_order()

    response = finance.post(f"{ORDERS}/{order.pk}/payments",
                            {"method": "wechat", "amount": str(order.total_amount),
                             "succeeded": False, "failure_reason": "insufficient_funds"})

    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert response.json()["failure_reason"] == "insufficient_funds"
    order.refresh_from_db()
    assert order.status == "pending_payment"


def test_orders_mask_the_recipient_and_withhold_payments_by_permission(as_role):
    order = factories.make_order(status="paid")
    path = f"{ORDERS}/{order.pk}"

    warehouse = as_role("warehouse").get(path).json()
    finance = as_role("finance").get(path).json()
    owner = as_role("owner").get(path).json()

    assert warehouse["recipient_name"] == "张**" and warehouse["payments"] is None
    assert finance["recipient_phone"] == "138****0000" and len(finance["payments"]) == 1
    assert owner["recipient_name"] == "张三丰" and owner["address_detail"] == "西湖区文三路 100 号"


def test_orders_filter_by_status_and_paginate(as_role):
    analyst = as_role("analyst")
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 20)
    pending = [factories.make_order(sku=sku) for _ in range(3)]
    paid = factories.make_order(sku=sku, status="paid")

    def numbers(**query):
        return [o["number"] for o in analyst.get(ORDERS, **query).json()["items"]]

    assert numbers(status="paid") == [paid.number]
    assert set(numbers(status="pending_payment")) == {o.number for o in pending}
    assert numbers(number=paid.number) == [paid.number]
    page = analyst.get(ORDERS, page_size=3, page=2).json()
    assert page["count"] == 4 and len(page["items"]) == 1
