"""Supplier master data actions: validated, logged."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.suppliers import actions
from zhanggui.suppliers.errors import (
    DuplicateSupplierCode,
    DuplicateSupplierItem,
    InvalidSupplierData,
)
from zhanggui.suppliers.models import Supplier, SupplierItem, SupplierMessage

pytestmark = pytest.mark.django_db


def test_create_and_update_supplier_are_validated_and_logged():
    finance = factories.make_staff("finance")
    supplier = actions.create_supplier("S01", name="义乌小商品", payment_terms="net_15",
                                       actor=finance)
    assert OperationLog.objects.filter(action="suppliers.create_supplier", actor=finance).exists()
    with pytest.raises(DuplicateSupplierCode):
        actions.create_supplier("S01", name="again", actor=finance)
    with pytest.raises(InvalidSupplierData):
        actions.create_supplier("S02", name="", actor=finance)
    with pytest.raises(InvalidSupplierData):
        actions.update_supplier(supplier, payment_terms="whenever", actor=finance)
    actions.update_supplier(supplier, name="义乌百货", actor=finance)
    supplier.refresh_from_db()
    assert (supplier.name, supplier.payment_terms) == ("义乌百货", "net_15")
    assert Supplier.objects.count() == 1


def test_one_primary_contact_per_supplier():
    supplier = factories.make_supplier()
    first = actions.save_supplier_contact(supplier, name="王经理", is_primary=True, actor=None)
    second = actions.save_supplier_contact(supplier, name="李会计", is_primary=True,
                                           email="li@example.com", actor=None)
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    with pytest.raises(InvalidSupplierData):
        actions.save_supplier_contact(supplier, name="x", email="not-an-email", actor=None)
    with pytest.raises(InvalidSupplierData):
        actions.save_supplier_contact(factories.make_supplier(), contact=first, name="y",
                                      actor=None)


def test_supplier_items_validated_and_one_preferred_per_sku():
    sku = factories.make_sku()
    one, two = factories.make_supplier(), factories.make_supplier()
    first = actions.add_supplier_item(one, sku, unit_cost=Decimal("9.90"), moq=10, pack_size=5,
                                      is_preferred=True, actor=None)
    with pytest.raises(DuplicateSupplierItem):
        actions.add_supplier_item(one, sku, unit_cost=Decimal("1"), actor=None)
    for bad in ({"moq": 0}, {"pack_size": 0}, {"unit_cost": Decimal("-1")},
                {"lead_time_days": Decimal("-2")}):
        with pytest.raises(InvalidSupplierData):
            actions.save_supplier_item(two, sku, actor=None, **{"unit_cost": Decimal("5"), **bad})
    second = actions.save_supplier_item(two, sku, unit_cost=Decimal("8.00"), is_preferred=True,
                                        actor=None)
    first.refresh_from_db()
    assert second.is_preferred and not first.is_preferred
    assert SupplierItem.objects.count() == 2
    actions.save_supplier_item(one, sku, unit_cost=Decimal("9.50"), actor=None)
    first.refresh_from_db()
    assert first.unit_cost == Decimal("9.50") and first.moq == 10


def test_supplier_messages_are_recorded_with_direction_and_checked():
    supplier = factories.make_supplier()
    po = factories.make_purchase_order(supplier=supplier)
    staff = factories.make_staff("finance")
    message = actions.record_supplier_message(supplier, direction="out", body="请确认交期",
                                              purchase_order=po, actor=staff)
    assert message.staff == staff and message.sent_at
    actions.record_supplier_message(supplier, direction="in", body="周五发货", actor=None,
                                    sent_at=timezone.now() - timedelta(hours=2))
    for bad in ({"direction": "sideways", "body": "x"}, {"direction": "in", "body": " "},
                {"direction": "in", "body": "x",
                 "purchase_order": factories.make_purchase_order()},
                {"direction": "in", "body": "x", "sent_at": timezone.now() + timedelta(days=1)}):
        with pytest.raises(InvalidSupplierData):
            actions.record_supplier_message(supplier, actor=None, **bad)
    assert SupplierMessage.objects.count() == 2
