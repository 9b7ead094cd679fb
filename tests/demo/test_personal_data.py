"""The demo seeder writes personal data in bulk (bulk_create): encrypted, with every phone's
blind index set, so an exact phone search finds seeded customers and orders."""

from django.db import connection

from zhanggui.core import crypto
from zhanggui.customers.models import Address, Customer
from zhanggui.orders.models import Order


def _raw(table: str, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {table} ORDER BY id")
        return cursor.fetchall()


def test_seeded_phones_are_encrypted_and_indexed(store):
    for model, table, phone in ((Customer, "customers_customer", "phone"),
                                (Address, "customers_address", "phone"),
                                (Order, "orders_order", "recipient_phone")):
        raw = dict((pk, (token, digest)) for pk, token, digest in
                   _raw(table, f"{phone}, {phone}_index"))
        plain = dict(model.objects.values_list("pk", phone))
        assert raw and raw.keys() == plain.keys()
        for pk, (token, digest) in raw.items():
            assert token.startswith("gAAAAA") and plain[pk] not in token, (table, pk)
            assert digest == crypto.phone_index(plain[pk]), (table, pk)


def test_seeded_names_and_streets_are_ciphertext(store):
    rows = _raw("orders_order", "recipient_name, address_detail")
    plain = dict((o.pk, o) for o in Order.objects.only("recipient_name", "address_detail"))
    for pk, name, street in rows:
        assert name.startswith("gAAAAA") and plain[pk].recipient_name not in name
        assert street.startswith("gAAAAA") and plain[pk].address_detail not in street


def test_a_seeded_order_is_found_by_its_recipient_phone(store):
    order = Order.objects.order_by("pk").first()
    phone = order.recipient_phone
    typed = f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"

    assert order in Order.objects.with_exact(recipient_phone=typed)
    assert Customer.objects.with_exact(phone=order.customer.phone).get() == order.customer
