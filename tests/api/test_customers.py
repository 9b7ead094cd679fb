from tests import factories
from tests.api.support import assert_error, row_counts
from zhanggui.customers.actions import create_customer

CUSTOMERS = "/api/v1/customers"


def test_service_sees_personal_data_masked_and_owner_in_full(as_role):
    customer = factories.make_customer()
    path = f"{CUSTOMERS}/{customer.pk}"

    masked = as_role("service").get(path).json()
    full = as_role("owner").get(path).json()

    assert (masked["name"], masked["phone"], masked["is_masked"]) == (
        "张**", customer.phone[:3] + "****" + customer.phone[-4:], True)
    assert masked["addresses"][0]["recipient_name"] == "张**"
    assert masked["addresses"][0]["detail"] == "西湖区文三路****"
    assert (full["name"], full["phone"], full["is_masked"]) == ("张三丰", customer.phone, False)
    assert full["addresses"][0]["detail"] == "西湖区文三路 100 号"


def test_customer_list_is_masked_too(as_role):
    factories.make_customer()

    item = as_role("operator").get(CUSTOMERS).json()["items"][0]

    assert item["name"] == "张**" and "****" in item["phone"] and item["is_masked"]


def test_addresses_are_withheld_without_address_permission(as_role):
    customer = factories.make_customer()

    data = as_role("finance").get(f"{CUSTOMERS}/{customer.pk}").json()

    assert data["addresses"] is None and data["code"] == customer.code


def test_customers_filter_and_paginate(as_role):
    service = as_role("service")
    hangzhou = [factories.make_customer("330000") for _ in range(3)]
    shanghai = factories.make_customer("310000")
    taobao = create_customer("TB-1", nickname="淘宝买家", channel="taobao", actor=None)

    def codes(**query):
        return [c["code"] for c in service.get(CUSTOMERS, **query).json()["items"]]

    assert codes(province_code="310000") == [shanghai.code]
    assert codes(channel="taobao") == [taobao.code]
    assert codes(search="淘宝") == [taobao.code]
    page = service.get(CUSTOMERS, province_code="330000", page_size=2, page=2).json()
    assert page["count"] == 3 and [c["code"] for c in page["items"]] == [hangzhou[0].code]


def test_create_customer_validates_and_refuses_duplicates(as_role):
    owner = as_role("owner")
    before = row_counts()

    bad_phone = owner.post(CUSTOMERS, {"code": "C-1", "phone": "12345"})
    bad_gender = owner.post(CUSTOMERS, {"code": "C-1", "gender": "robot"})

    assert_error(bad_phone, 422, "invalid_customer")
    assert_error(bad_gender, 422, "invalid_input")
    assert row_counts() == before
    created = owner.post(CUSTOMERS, {"code": "C-1", "name": "王五", "phone": "13912345678"})
    assert created.status_code == 201 and created.json()["name"] == "王五"
    assert created.json()["addresses"] == []
    assert_error(owner.post(CUSTOMERS, {"code": "C-1"}), 409, "duplicate_customer")


def test_add_address_answers_masked_for_service(as_role):
    service = as_role("service")
    customer = factories.make_customer()

    response = service.post(f"{CUSTOMERS}/{customer.pk}/addresses",
                            {"recipient_name": "李四", "phone": "13912345678",
                             "province_code": "310000", "city": "上海",
                             "detail": "浦东新区世纪大道 1 号", "is_default": True})

    assert response.status_code == 201
    assert response.json()["recipient_name"] == "李*" and response.json()["is_default"]
    assert customer.addresses.get(is_default=True).recipient_name == "李四"


def test_add_address_with_unknown_province_writes_nothing(as_role):
    service = as_role("service")
    customer = factories.make_customer()
    before = row_counts()

    response = service.post(f"{CUSTOMERS}/{customer.pk}/addresses",
                            {"recipient_name": "李四", "phone": "13912345678",
                             "province_code": "999999", "city": "上海", "detail": "某路 1 号"})

    assert_error(response, 422, "invalid_customer")
    assert row_counts() == before
