"""The recipient-address blind index: one digest for the same address however typed, kept
in step by save, bulk_create, bulk_update and save(update_fields); update() of an address
part refused; re-encryption leaves a current index alone."""

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from tests import factories
from zhanggui.core import crypto
from zhanggui.orders.actions import reencrypt_personal_data
from zhanggui.orders.models import Order
from zhanggui.orders.review_rules import normalise_address

pytestmark = pytest.mark.django_db


def _digest(order: Order) -> str:
    return crypto.blind_index(normalise_address(order.province_code, order.city, order.district,
                                                order.address_detail))


def test_the_index_is_the_digest_of_the_normalised_address_not_the_address():
    order = factories.make_order()
    assert order.recipient_address_index == _digest(order) != ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_address_index FROM orders_order WHERE id = %s", [order.pk])
        stored = cursor.fetchone()[0]
    assert stored == order.recipient_address_index and "文三路" not in stored


def test_the_same_address_typed_differently_has_the_same_index():
    a, b = factories.make_order(), factories.make_order()
    b.address_detail = "西湖区文三路１００号"
    b.save(update_fields=["address_detail"])
    b.refresh_from_db()
    assert a.recipient_address_index == b.recipient_address_index


def test_save_with_update_fields_and_bulk_update_refresh_the_index():
    order = factories.make_order()
    before = order.recipient_address_index
    order.city = "宁波"
    order.save(update_fields=["city"])
    order.refresh_from_db()
    assert order.recipient_address_index == _digest(order) != before
    order.district = "鄞州区"
    Order.objects.bulk_update([order], ["district"])
    order.refresh_from_db()
    assert order.recipient_address_index == _digest(order)


def test_update_of_an_address_part_is_refused():
    factories.make_order()
    with pytest.raises(FieldError):
        Order.objects.update(city="宁波")


def test_reencryption_leaves_a_current_index_alone():
    factories.make_order()
    assert reencrypt_personal_data(actor=None) == {"orders": 0}
    Order.objects.update(recipient_address_index="stale")
    assert reencrypt_personal_data(actor=None) == {"orders": 1}
    order = Order.objects.get()
    assert order.recipient_address_index == _digest(order)
