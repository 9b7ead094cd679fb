"""Small helpers for the channels tests: channels with rates, listings, channel price lists."""

from decimal import Decimal

from tests import factories
from zhanggui.channels.models import Channel, ChannelListing
from zhanggui.listing.models import ChannelTitleLimit
from zhanggui.pricing.models import PriceList, PriceListEntry

RATES = {"own": ("0", "0.006", "0.00"), "taobao": ("0.05", "0.006", "0.00"),
         "jd": ("0.08", "0.006", "0.00"), "pinduoduo": ("0.006", "0.006", "0.50"),
         "douyin": ("0.05", "0.006", "0.00")}


def make_channel(code: str = "taobao", *, name: str | None = None, min_ratio: str = "0.90",
                 title_limit: int | None = None, **fields) -> Channel:
    commission, payment, per_order = RATES.get(code, ("0", "0", "0.00"))
    defaults = {"name": name or code, "platform": code if code in RATES else "other",
                "commission_rate": Decimal(commission), "payment_fee_rate": Decimal(payment),
                "fee_per_order_amount": Decimal(per_order), "min_price_ratio": Decimal(min_ratio)}
    defaults.update(fields)
    channel, _ = Channel.objects.update_or_create(code=code, defaults=defaults)
    if title_limit is not None:
        ChannelTitleLimit.objects.update_or_create(channel=code, defaults={
            "name": channel.name, "max_bytes": title_limit})
    return channel


def make_listing(channel: Channel, sku=None, *, price: str | None = None, status: str = "listed",
                 title: str = "") -> ChannelListing:
    sku = sku or factories.make_listed_sku()
    return ChannelListing.objects.create(channel=channel, sku=sku, title=title, status=status,
                                         price_amount=Decimal(price) if price else None)


def channel_price(code: str, sku, price: str, *, active: bool = True) -> PriceListEntry:
    price_list, _ = PriceList.objects.get_or_create(
        kind="channel", channel=code, defaults={"name": f"{code} prices", "is_active": active})
    return PriceListEntry.objects.create(price_list=price_list, sku=sku, price_amount=Decimal(price))
