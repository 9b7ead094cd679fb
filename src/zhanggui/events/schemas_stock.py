"""Data schemas of the stock and purchase-order events."""

from datetime import datetime
from decimal import Decimal

from zhanggui.events.schemas_base import EventData


class StockLowData(EventData):
    """A stock row (a SKU in a warehouse) whose available units fell below its threshold."""

    stock_id: int
    sku_id: int
    sku_code: str
    warehouse_id: int
    on_hand: int
    reserved: int
    available: int
    low_stock_threshold: int
    movement_kind: str
    reference: str


class ReceiptLineData(EventData):
    purchase_order_line_id: int
    sku_id: int
    sku_code: str
    accepted: int
    rejected: int
    short: int
    landed_unit_cost: Decimal
    ordered_quantity: int
    received_quantity: int


class PurchaseOrderReceivedData(EventData):
    """One delivery received against a PO: ``status`` is the PO's after it (partly received
    or received), each line's ``received_quantity`` its accepted units so far."""

    purchase_order_id: int
    number: str
    status: str
    supplier_id: int
    warehouse_id: int
    receipt_id: int
    receipt_number: str
    received_at: datetime
    freight_amount: Decimal
    lines: list[ReceiptLineData]
