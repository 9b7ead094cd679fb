"""Fixtures of the console tests: a small store with an object of every kind, and
clients logged in as a role."""

import itertools
from decimal import Decimal

import pytest

from tests import factories
from zhanggui.accounts.actions import create_api_token, save_record
from zhanggui.aftersales import actions as aftersales_actions
from zhanggui.catalog.models import AttributeDefinition, ProductMedia, Tag
from zhanggui.customers.models import CustomerTag
from zhanggui.orders import actions as order_actions

_stores = itertools.count(1)


@pytest.fixture
def sku(db):
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 50)
    return sku


@pytest.fixture
def store(sku):
    """One object of every model the console shows, linked the way a real store's are."""
    return build_store(sku)


def build_store(sku) -> dict:
    n = next(_stores)
    product = sku.product
    save_record(Tag(name=f"爆款{n}"), actor=None, changed_fields=[])
    save_record(AttributeDefinition(category=product.category, code=f"material{n}", name="材质"),
                actor=None, changed_fields=[])
    save_record(ProductMedia(product=product, kind="image", url=f"https://img.example/{n}.jpg"),
                actor=None, changed_fields=[])
    save_record(CustomerTag(name=f"高价值{n}"), actor=None, changed_fields=[])
    customer = factories.make_customer()
    pending = factories.make_order(sku=sku, customer=customer)
    order_actions.record_payment(pending, method="wechat", amount=pending.total_amount,
                                 succeeded=False, failure_reason="insufficient_funds", actor=None)
    delivered = factories.make_order(sku=sku, customer=customer, quantity=2, status="delivered")
    request = factories.make_received_return(delivered)
    aftersales_actions.issue_refund(delivered, amount=Decimal("100.00"), reason="return",
                                    request=request, actor=None)
    owner = factories.make_staff("owner")
    create_api_token(owner, name="ERP", actor=owner)
    return {"sku": sku, "product": product, "customer": customer, "pending": pending,
            "delivered": delivered, "request": request, "owner": owner}
