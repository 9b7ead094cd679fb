"""The pricing domain event (``events.catalogue``: price.changed), written in the transaction
of the price change; a bulk change writes all its SKUs' events in one INSERT."""

from datetime import datetime
from decimal import Decimal

from zhanggui.catalog.models import Sku
from zhanggui.core.money import default_currency
from zhanggui.events import actions as events
from zhanggui.events.actions import NewEvent


def _event(sku: Sku, previous: Decimal, at: datetime) -> NewEvent:
    return NewEvent("price.changed", sku.pk, {
        "sku_id": sku.pk, "sku_code": sku.code, "product_id": sku.product_id,
        "currency": default_currency(), "previous_price_amount": previous,
        "price_amount": sku.price_amount, "changed_at": at}, at)


def prices_changed(changes: list[tuple[Sku, Decimal]], at: datetime) -> None:
    """``changes``: each SKU (with its new price) and its previous price; unchanged prices
    write nothing."""
    new = [_event(sku, previous, at) for sku, previous in changes if sku.price_amount != previous]
    if new:
        events.record_many(new)
