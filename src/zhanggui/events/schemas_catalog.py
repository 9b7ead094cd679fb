"""Data schemas of the product and price events."""

from datetime import datetime
from decimal import Decimal

from zhanggui.events.schemas_base import EventData


class ProductListingData(EventData):
    product_id: int
    code: str
    status: str
    previous_status: str
    reason: str
    sku_ids: list[int]
    changed_at: datetime


class PriceChangedData(EventData):
    """A SKU's list price changed (``currency``: the shop's)."""

    sku_id: int
    sku_code: str
    product_id: int
    currency: str
    previous_price_amount: Decimal
    price_amount: Decimal
    changed_at: datetime
