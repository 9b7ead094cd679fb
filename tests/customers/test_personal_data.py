"""Customers' personal data at rest: blind indexes on every write path, exact phone search
(API, console, queries, imports), masking unchanged, and key rotation with the command."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.api.support import ApiClient, staff_of
from tests.imports.conftest import run_import, write_csv
from zhanggui.accounts.models import OperationLog
from zhanggui.core import crypto
from zhanggui.core.crypto import PersonalDataKeyError
from zhanggui.customers import actions, queries
from zhanggui.customers.models import Address, Customer

pytestmark = pytest.mark.django_db

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
CUSTOMERS = "/api/v1/customers"


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _index(customer: Customer) -> str:
    return _raw("customers_customer", "phone_index", customer.pk)


def test_every_write_path_keeps_the_phone_index_in_step():
    created = factories.make_customer()
    bulk = Customer.objects.bulk_create([Customer(code="B-1", phone="139 0000 0001")])[0]
    assert _index(created) == crypto.phone_index(created.phone)
    assert _index(bulk) == crypto.phone_index("13900000001")

    bulk.phone = "13900000002"
    Customer.objects.bulk_update([bulk], ["phone"])
    assert _index(bulk) == crypto.phone_index("13900000002")

    Customer.objects.filter(pk=bulk.pk).update(phone="+86 139-0000-0003")
    assert _index(bulk) == crypto.phone_index("13900000003")

    bulk.phone = "13900000004"
    bulk.save(update_fields=["phone"])
    assert _index(bulk) == crypto.phone_index("13900000004")

    address = created.addresses.get()
    address.phone = "13900000005"
    Address.objects.bulk_update([address], ["phone"])
    assert _raw("customers_address", "phone_index", address.pk) == crypto.phone_index(
        "13900000005")


def test_queries_find_a_customer_by_phone_however_it_is_typed():
    customer = factories.make_customer()
    other = factories.make_customer()
    spaced = f"+86 {customer.phone[:3]} {customer.phone[3:7]}-{customer.phone[7:]}"

    assert list(queries.list_customers(phone=spaced)) == [customer]
    assert list(queries.list_customers(phone="13999999999")) == []
    assert other not in queries.list_customers(phone=customer.phone)


def test_a_customer_is_found_by_the_phone_of_one_of_their_addresses():
    customer = factories.make_customer()
    actions.add_address(customer, recipient_name="李四", phone="13712345678",
                        province_code="330000", city="杭州", detail="滨江区 1 号", actor=None)

    assert list(queries.list_customers(phone="137-1234-5678")) == [customer]


def test_api_phone_search_finds_the_customer_and_keeps_it_masked_without_permission():
    customer = factories.make_customer()
    factories.make_customer()
    typed = f"{customer.phone[:3]} {customer.phone[3:7]} {customer.phone[7:]}"

    masked = ApiClient(staff_of("service")).get(CUSTOMERS, phone=typed).json()
    full = ApiClient(staff_of("owner")).get(CUSTOMERS, phone=f"+86{customer.phone}").json()

    assert [c["code"] for c in masked["items"]] == [customer.code]
    assert masked["items"][0]["phone"] == customer.phone[:3] + "****" + customer.phone[-4:]
    assert masked["items"][0]["name"] == "张**" and masked["items"][0]["is_masked"]
    assert (full["items"][0]["phone"], full["items"][0]["name"]) == (customer.phone, "张三丰")


def test_console_phone_search_finds_the_customer_masked_for_service(login):
    customer = factories.make_customer()
    other = factories.make_customer()
    url = reverse("admin:customers_customer_changelist")
    typed = f"{customer.phone[:3]}-{customer.phone[3:7]}-{customer.phone[7:]}"

    html = login("service").get(url, {"q": typed}).content.decode()

    assert customer.code in html and other.code not in html
    assert f"{customer.phone[:3]}****{customer.phone[-4:]}" in html
    assert customer.phone not in html and "张三丰" not in html


def test_console_address_search_by_phone(login):
    customer = factories.make_customer()
    factories.make_customer()
    url = reverse("admin:customers_address_changelist")

    html = login("owner").get(url, {"q": f"+86 {customer.phone}"}).content.decode()

    assert customer.phone in html and html.count("西湖区文三路 100 号") == 1


def test_imported_customers_get_phone_indexes_on_create_and_on_update(tmp_path):
    header = ["customer_id", "nickname", "phone"]
    run_import(write_csv(tmp_path / "a.csv", [header, ["C1", "小明", "138 0000 1111"]]),
               "customers")
    customer = Customer.objects.get(code="own-C1")
    assert _index(customer) == crypto.phone_index("13800001111")

    run_import(write_csv(tmp_path / "b.csv", [header, ["C1", "小明", "13800002222"]]),
               "customers")

    customer.refresh_from_db()
    assert customer.phone == "13800002222"
    assert _index(customer) == crypto.phone_index("13800002222")
    assert list(queries.list_customers(phone="138-0000-2222")) == [customer]


def test_reencrypting_moves_every_row_to_the_newest_key(settings):
    settings.ZHANGGUI_DATA_KEYS = [KEY_A]
    customer = factories.make_customer()
    address = customer.addresses.get()

    settings.ZHANGGUI_DATA_KEYS = [KEY_B, KEY_A]
    counts = actions.reencrypt_personal_data(actor=None, batch_size=1)
    again = actions.reencrypt_personal_data(actor=None)

    settings.ZHANGGUI_DATA_KEYS = [KEY_B]
    assert counts == {"customers": 1, "addresses": 1} and again == {"customers": 0,
                                                                    "addresses": 0}
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.name, fresh.phone) == ("张三丰", customer.phone)
    assert Address.objects.get(pk=address.pk).detail == "西湖区文三路 100 号"
    assert Fernet(KEY_B).decrypt(_raw("customers_customer", "name", customer.pk).encode()) \
        == "张三丰".encode()
    entries = OperationLog.objects.filter(action="customers.reencrypt_personal_data")
    assert [e.after for e in entries.order_by("id")] == [counts, again]


def test_the_command_rotates_keys_and_reports_counts(settings):
    settings.ZHANGGUI_DATA_KEYS = [KEY_A]
    customers = [factories.make_customer() for _ in range(3)]
    order = factories.make_order(customer=customers[0])

    settings.ZHANGGUI_DATA_KEYS = [KEY_B, KEY_A]
    out = StringIO()
    call_command("reencrypt_personal_data", "--batch-size", "2", stdout=out)

    settings.ZHANGGUI_DATA_KEYS = [KEY_B]
    assert "customers  3 re-encrypted" in out.getvalue()
    assert "orders     1 re-encrypted" in out.getvalue()
    assert [c.phone for c in Customer.objects.order_by("pk")] == [c.phone for c in customers]
    assert order.__class__.objects.get(pk=order.pk).recipient_name == "张三丰"
    second = StringIO()
    call_command("reencrypt_personal_data", stdout=second)
    assert "already under the newest keys" in second.getvalue()


def test_the_command_recomputes_indexes_after_the_blind_index_key_changes(settings):
    customer = factories.make_customer()
    settings.ZHANGGUI_BLIND_INDEX_KEY = "a-new-blind-index-key-0123456789abcdef"
    assert list(queries.list_customers(phone=customer.phone)) == []

    call_command("reencrypt_personal_data", stdout=StringIO())

    assert list(queries.list_customers(phone=customer.phone)) == [customer]


def test_the_command_fails_clearly_when_no_key_decrypts(settings):
    settings.ZHANGGUI_DATA_KEYS = [KEY_A]
    factories.make_customer()
    settings.ZHANGGUI_DATA_KEYS = [KEY_B]

    with pytest.raises(CommandError, match="No key in ZHANGGUI_DATA_KEYS decrypts") as caught:
        call_command("reencrypt_personal_data", stdout=StringIO())
    assert isinstance(caught.value.__cause__, PersonalDataKeyError)
