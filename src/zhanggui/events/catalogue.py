"""The event catalogue: every domain event type, its schema version and the schema of its
``data`` (pydantic models; ``json_schema`` gives the JSON Schema shown in docs/events.md).

A type's schema only grows within a version (new optional fields); a field removed or changed
in meaning is a new version. Payloads carry no personal data (names, phones, addresses): a
receiver reads those through the API with its own permissions.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrderLineData(_Data):
    sku_id: int
    sku_code: str
    quantity: int
    unit_price_amount: Decimal
    total_amount: Decimal


class OrderData(_Data):
    """An order's figures at the moment of the event (amounts in ``currency``, as strings)."""

    order_id: int
    number: str
    status: str
    channel: str
    customer_id: int
    currency: str
    goods_amount: Decimal
    discount_amount: Decimal
    shipping_amount: Decimal
    total_amount: Decimal
    paid_amount: Decimal
    placed_at: datetime


class OrderPlacedData(OrderData):
    lines: list[OrderLineData]


class OrderCancelledData(OrderData):
    reason: str


class OrderHeldData(OrderData):
    holds: list[str]


@dataclass(frozen=True)
class EventType:
    name: str
    version: int
    subject_type: str
    summary: str
    data: type[_Data]

    def json_schema(self) -> dict:
        return self.data.model_json_schema(mode="serialization")


CATALOGUE: dict[str, EventType] = {t.name: t for t in [
    EventType("order.placed", 1, "order", "An order was placed (pending payment), with its lines.",
              OrderPlacedData),
    EventType("order.paid", 1, "order", "An order was paid in full.", OrderData),
    EventType("order.reviewed", 1, "order", "An order passed review (automatic or by staff) and "
              "may be shipped.", OrderData),
    EventType("order.held", 1, "order", "The automatic review held an order; `holds` names the "
              "failing rules.", OrderHeldData),
    EventType("order.cancelled", 1, "order", "An order was cancelled (`status` cancelled) or "
              "closed unpaid when its payment window ran out (`status` closed).",
              OrderCancelledData),
]}


def event_type(name: str) -> EventType:
    """Raises KeyError for a type not in the catalogue."""
    return CATALOGUE[name]
