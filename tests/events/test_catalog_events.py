"""Products and prices write their events: product.listed / delisted from the listing
action, price.changed from a SKU's price change (a bulk change in one INSERT); a refused
change writes none."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.events.support import events_of, only_event
from zhanggui.catalog import actions as catalog_actions
from zhanggui.catalog.errors import InvalidSku, ListingNotAllowed
from zhanggui.pricing import actions as pricing_actions

pytestmark = pytest.mark.django_db


def test_listing_and_delisting_write_their_events():
    product = factories.make_product(listed=False)
    sku = factories.make_sku(product)

    catalog_actions.set_listing_status(product, status="listed", reason="new", actor=None)
    catalog_actions.set_listing_status(product, status="listed", reason="restocked", actor=None)
    delisted = catalog_actions.set_listing_status(product, status="delisted",
                                                  reason="season_end", actor=None)

    listed = only_event("product.listed")
    assert listed.subject_id == str(product.pk)
    assert listed.data == {"product_id": product.pk, "code": product.code, "status": "listed",
                           "previous_status": "draft", "reason": "new", "sku_ids": [sku.pk],
                           "changed_at": listed.data["changed_at"]}
    gone = only_event("product.delisted")
    assert gone.occurred_at == delisted.status_changed_at
    assert (gone.data["previous_status"], gone.data["reason"]) == ("listed", "season_end")


def test_a_refused_listing_writes_no_event():
    product = factories.make_product(listed=False)  # no SKU
    with pytest.raises(ListingNotAllowed):
        catalog_actions.set_listing_status(product, status="listed", reason="new", actor=None)
    assert not events_of("product.listed")


def test_a_price_change_writes_price_changed():
    sku = factories.make_listed_sku(price="99.00")

    pricing_actions.set_sku_price(sku, price=Decimal("89.50"), actor=None)
    pricing_actions.set_sku_price(sku, price=Decimal("89.50"), actor=None)  # no change

    event = only_event("price.changed")
    assert event.subject_id == str(sku.pk)
    assert event.data == {"sku_id": sku.pk, "sku_code": sku.code, "product_id": sku.product_id,
                          "currency": "CNY", "previous_price_amount": "99.00",
                          "price_amount": "89.50", "changed_at": event.data["changed_at"]}


def test_a_bulk_price_change_writes_its_events_in_one_insert():
    skus = [factories.make_listed_sku(price="100.00") for _ in range(3)]

    with CaptureQueriesContext(connection) as queries:
        pricing_actions.change_prices(skus, rate=Decimal("-0.1"), actor=None)

    inserts = [q for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "events_event"')]
    assert len(inserts) == 1
    assert [(e.subject_id, e.data["previous_price_amount"], e.data["price_amount"])
            for e in events_of("price.changed")] == [(str(s.pk), "100.00", "90.00") for s in skus]


def test_a_refused_bulk_change_writes_no_event():
    skus = [factories.make_listed_sku(price="10.00") for _ in range(2)]
    with pytest.raises(InvalidSku):
        pricing_actions.change_prices(skus, rate=Decimal("-2"), actor=None)
    assert not events_of("price.changed")
