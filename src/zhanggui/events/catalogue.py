"""The event catalogue: every domain event type, its schema version and the schema of its
``data`` (pydantic models; ``json_schema`` gives the JSON Schema shown in docs/events.md).

A type's schema only grows within a version (new optional fields); a field removed or changed
in meaning is a new version. Payloads carry no personal data (names, phones, addresses): a
receiver reads those through the API with its own permissions. The orders' schemas are
here; the other areas' live in ``schemas_<area>.py`` (fulfillment: shipments and refunds;
stock: stock and purchase orders; catalog: products and prices; people: customers, tickets
and campaigns; imports).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from zhanggui.events.schemas_base import EventData as _Data
from zhanggui.events.schemas_catalog import PriceChangedData, ProductListingData
from zhanggui.events.schemas_fulfillment import RefundData, ShipmentData
from zhanggui.events.schemas_imports import ImportAppliedData
from zhanggui.events.schemas_people import CampaignSentData, CustomerCreatedData, TicketOpenedData
from zhanggui.events.schemas_stock import PurchaseOrderReceivedData, StockLowData


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
    EventType("shipment.shipped", 1, "shipment", "A parcel was handed to its carrier with its "
              "tracking number.", ShipmentData),
    EventType("shipment.delivered", 1, "shipment", "A parcel was delivered (a carrier's "
              "tracking event, or confirmed by staff).", ShipmentData),
    EventType("shipment.failed", 1, "shipment", "A carrier reported a failed delivery "
              "(`issue` says why when known); sent again for a later failure.", ShipmentData),
    EventType("refund.issued", 1, "refund", "Money was refunded to the buyer of an order, with "
              "or without an after-sales request.", RefundData),
    EventType("stock.low", 1, "stock", "A SKU's available units in a warehouse fell below its "
              "low-stock threshold (sent on the crossing, not again while it stays below).",
              StockLowData),
    EventType("product.listed", 1, "product", "A product was put on sale.", ProductListingData),
    EventType("product.delisted", 1, "product", "A product was taken off sale (`reason` says "
              "why).", ProductListingData),
    EventType("price.changed", 1, "price", "A SKU's list price changed (one SKU, or each SKU of "
              "a bulk change); the subject is the SKU.", PriceChangedData),
    EventType("customer.created", 1, "customer", "A customer was created in the console or "
              "through the API.", CustomerCreatedData),
    EventType("purchase_order.received", 1, "purchase_order", "A delivery was received against "
              "a purchase order, with each line's accepted, rejected and short units.",
              PurchaseOrderReceivedData),
    EventType("ticket.opened", 1, "ticket", "A service ticket was opened (console, API or an "
              "inbound message).", TicketOpenedData),
    EventType("campaign.sent", 1, "campaign", "A campaign's sending finished: no message is "
              "left queued or sending.", CampaignSentData),
    EventType("import.applied", 1, "import", "An import wrote its rows (orders, customers or "
              "products, in bulk: no event per row); `counts` says what it wrote, and the "
              "lists of `kind` changed from `started_at` on.", ImportAppliedData),
]}


def event_type(name: str) -> EventType:
    """Raises KeyError for a type not in the catalogue."""
    return CATALOGUE[name]
