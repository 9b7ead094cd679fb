"""The demo's sales channels (销售渠道): the own store, Tmall/Taobao, JD, Pinduoduo, Douyin and
Xiaohongshu with their usual platform rates, a JD channel price list, and listings of a share
of the active SKUs with a few deliberate price conflicts.

Rates (fractions of the amount paid): Tmall 5 % commission, JD 8 %, Pinduoduo 0.6 % plus
0.50 per order, Douyin 5 %, Xiaohongshu 5 %; every platform 0.6 % payment fees. Listings:
Taobao every 2nd active SKU at its own price, JD every 3rd through the JD price list (98 %),
Pinduoduo every 4th at 92 % of the price, Douyin every 5th at its own price. The first three
Pinduoduo listings are priced at 80 % — under Pinduoduo's 85 % floor and under the other
channels' 30-day lowest — so the price-conflicts page has something to show. A listing
whose title is over the channel's limit stays a draft.

Deterministic (no random stream): SKUs are taken in order of their id, so the other demo
figures do not move. Written through ``channels.actions`` and ``save_record`` (logged).
"""

from decimal import ROUND_HALF_UP, Decimal

from zhanggui.accounts.actions import save_record
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.channels import actions
from zhanggui.channels.errors import TitleTooLong
from zhanggui.channels.models import Channel
from zhanggui.demo.context import Clock
from zhanggui.pricing.models import PriceList, PriceListEntry

CENT = Decimal("0.01")
# code: (name, platform, commission, payment fees, per order, lowest price ratio)
CHANNELS = {
    "own": ("自营商城", "own", "0", "0.006", "0.00", "1.00"),
    "taobao": ("天猫旗舰店", "taobao", "0.05", "0.006", "0.00", "0.90"),
    "jd": ("京东自营", "jd", "0.08", "0.006", "0.00", "0.90"),
    "pinduoduo": ("拼多多旗舰店", "pinduoduo", "0.006", "0.006", "0.50", "0.85"),
    "douyin": ("抖音小店", "douyin", "0.05", "0.006", "0.00", "0.90"),
    "xiaohongshu": ("小红书店铺", "xiaohongshu", "0.05", "0.006", "0.00", "0.90"),
}
# code: (every n-th active SKU, price factor; None: the SKU's price or the price list)
LISTINGS = {"taobao": (2, None), "jd": (3, None), "pinduoduo": (4, Decimal("0.92")),
            "douyin": (5, None)}
JD_LIST_FACTOR = Decimal("0.98")
CONFLICT_FACTOR, CONFLICTS = Decimal("0.80"), 3


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def seed_channels(clock: Clock, staff: dict[str, Staff]) -> dict[str, int]:
    """The channels, the JD price list and the listings; returns what it wrote."""
    actor = staff.get("operator")
    channels = {}
    for code, (name, platform, commission, fees, per_order, ratio) in CHANNELS.items():
        channel = Channel.objects.filter(code=code).first() or Channel(code=code)
        channel.name, channel.platform = name, platform
        channel.commission_rate, channel.payment_fee_rate = Decimal(commission), Decimal(fees)
        channel.fee_per_order_amount, channel.min_price_ratio = Decimal(per_order), Decimal(ratio)
        channels[code] = actions.save_channel(channel, actor=actor, changed_fields=[
            "name", "platform", "commission_rate", "payment_fee_rate", "fee_per_order_amount",
            "min_price_ratio"])
    skus = list(Sku.objects.filter(is_active=True).order_by("pk"))
    price_list = save_record(PriceList(name="京东渠道价", kind="channel", channel="jd"),
                             actor=actor, changed_fields=())
    entries = listings = drafts = 0
    for code, (every, factor) in LISTINGS.items():
        chosen = skus[::every]
        for position, sku in enumerate(chosen):
            price = None
            if factor is not None:
                price = _money(sku.price_amount * factor)
                if code == "pinduoduo" and position < CONFLICTS:
                    price = _money(sku.price_amount * CONFLICT_FACTOR)
            if code == "jd":
                save_record(PriceListEntry(price_list=price_list, sku=sku,
                                           price_amount=_money(sku.price_amount * JD_LIST_FACTOR)),
                            actor=actor, changed_fields=())
                entries += 1
            if price is not None and price <= 0:
                continue
            listing = actions.create_listing(channels[code], sku, actor=actor, price=price,
                                             external_id=f"{code[:2].upper()}{sku.pk:08d}")
            listings += 1
            try:
                actions.list_listing(listing, actor=actor)
            except TitleTooLong:  # stays a draft: its title must be shortened for the channel
                drafts += 1
    return {"channels": len(channels), "listings": listings, "drafts": drafts,
            "price list entries": entries}
