"""Data schemas of the shipment and refund events."""

from datetime import datetime
from decimal import Decimal

from zhanggui.events.schemas_base import EventData


class ShipmentData(EventData):
    """A parcel's figures at the moment of the event; ``order_ids``: every order with lines
    in it (a merged parcel holds several)."""

    shipment_id: int
    status: str
    order_ids: list[int]
    warehouse_id: int
    carrier: str
    tracking_number: str
    shipped_at: datetime | None
    delivered_at: datetime | None
    failed_at: datetime | None
    issue: str


class RefundData(EventData):
    refund_id: int
    order_id: int
    order_number: str
    request_id: int | None
    request_kind: str | None
    currency: str
    amount: Decimal
    order_paid_amount: Decimal
    order_refunded_amount: Decimal
    issued_at: datetime
