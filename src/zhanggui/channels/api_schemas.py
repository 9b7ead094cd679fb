"""Schemas of the channels API. The API secret is write-only: never in any output."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from zhanggui.core.schemas import Id


class ChannelOut(Schema):
    id: int
    code: str
    name: str
    platform: str
    is_active: bool
    commission_rate: Decimal = Field(description="fraction of the amount paid (0.05 = 5 %)")
    payment_fee_rate: Decimal
    fee_per_order: Decimal
    min_price_ratio: Decimal
    adapter: str
    api_url: str
    has_api_secret: bool
    title_limit: int | None = Field(None, description="bytes; null: no title limit to check")
    listed_count: int | None = None


class ChannelListingOut(Schema):
    id: int
    channel_id: int
    channel: str
    sku_id: int
    sku: str
    title: str = Field(description="the listing's title, else the product's")
    own_title: str = Field(description="the listing's own title (empty: the product's)")
    price: Decimal = Field(description="effective price")
    price_source: str = Field(description="listing, price_list or sku")
    listing_price: Decimal | None
    status: str
    external_id: str
    title_bytes: int
    title_limit: int | None
    title_too_long: bool
    updated_at: datetime


class ChannelListingFilter(Schema):
    channel_id: Id | None = None
    status: Literal["draft", "listed", "delisted"] | None = None
    sku_id: Id | None = None


class ChannelListingIn(Schema):
    channel_id: Id
    sku_id: Id
    title: str = Field("", max_length=120)
    price: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    external_id: str = Field("", max_length=64)


class ChannelListingPatchIn(Schema):
    title: str | None = Field(None, max_length=120)
    price: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    clear_price: bool = Field(False, description="follow the price list or the SKU's price")
    external_id: str | None = Field(None, max_length=64)


class PriceConflictOut(Schema):
    sku_id: int
    sku: str
    product: str
    channel: str
    channel_name: str
    price: Decimal
    rule: str = Field(description="below_min_ratio or below_30_day_lowest")
    rule_name: str
    reference: Decimal
    reference_channel: str
    reference_channel_name: str
