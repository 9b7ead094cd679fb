"""Pure channel arithmetic: a listing's effective price, its title against the channel's
limit, price conflicts between channels, and a channel's profit after commission and fees.

No database: ``queries`` gathers the figures. Rates are fractions (0.05 = 5 %); money is
``Decimal`` rounded to cents with ``core.money.to_money``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from zhanggui.core.money import to_money
from zhanggui.listing.rules import title_bytes

ZERO = Decimal("0.00")
# Where an effective price comes from (shown on the listing row).
SOURCE_LISTING, SOURCE_PRICE_LIST, SOURCE_SKU = "listing", "price_list", "sku"
# The two conflict rules.
BELOW_RATIO, BELOW_LOWEST = "below_min_ratio", "below_30_day_lowest"
RULE_NAMES = {BELOW_RATIO: _("below the own store's price × the channel's lowest ratio"),
              BELOW_LOWEST: _("below another channel's 30-day lowest price")}
SOURCE_NAMES = {SOURCE_LISTING: _("listing price"), SOURCE_PRICE_LIST: _("channel price list"),
                SOURCE_SKU: _("SKU price")}


def effective_price(listing_price: Decimal | None, price_list_prices: Iterable[Decimal],
                    sku_price: Decimal) -> tuple[Decimal, str]:
    """The price a channel sells a SKU at, and its source: the listing's own price, else the
    lowest entry of the channel's active price lists (the pricing engine takes the lowest
    override too), else the SKU's price."""
    if listing_price is not None:
        return to_money(listing_price), SOURCE_LISTING
    prices = list(price_list_prices)
    if prices:
        return to_money(min(prices)), SOURCE_PRICE_LIST
    return to_money(sku_price), SOURCE_SKU


@dataclass(frozen=True)
class TitleCheck:
    """A title measured against a channel's limit (``limit`` None: the channel has no
    ``listing.ChannelTitleLimit`` row, so nothing to check)."""

    bytes: int
    limit: int | None

    @property
    def checked(self) -> bool:
        return self.limit is not None

    @property
    def too_long(self) -> bool:
        return self.limit is not None and self.bytes > self.limit


def check_title(title: str, limit: int | None) -> TitleCheck:
    """Bytes as the platforms count them (``listing.rules.title_bytes``: Chinese = 2)."""
    return TitleCheck(title_bytes(title), limit)


@dataclass(frozen=True)
class ChannelPrice:
    """One SKU's situation on one channel where it is listed."""

    channel: str
    price: Decimal  # effective price now
    lowest_30: Decimal  # lowest price in force on this channel over the last 30 days
    min_ratio: Decimal  # channel.min_price_ratio


@dataclass(frozen=True)
class Conflict:
    channel: str
    price: Decimal
    rule: str  # BELOW_RATIO or BELOW_LOWEST
    reference: Decimal  # the floor it is under
    reference_channel: str  # the own store's code for BELOW_RATIO, the other channel otherwise


def conflicts(prices: list[ChannelPrice], *, own_price: Decimal, own_code: str = "own") -> list[Conflict]:
    """The conflicts of one SKU listed on two or more channels (fewer: none).

    (a) ``BELOW_RATIO``: a channel's price < own-store price × the channel's minimum ratio
        (the own store itself is not checked against itself);
    (b) ``BELOW_LOWEST``: a channel's price < the 30-day lowest price of ANY other channel;
        one conflict per channel, naming the other channel with the highest such 30-day
        lowest price (the widest gap; ties: first by code).
    """
    if len({p.channel for p in prices}) < 2:
        return []
    found: list[Conflict] = []
    for entry in sorted(prices, key=lambda p: p.channel):
        if entry.channel != own_code:
            floor = to_money(own_price * entry.min_ratio)
            if entry.price < floor:
                found.append(Conflict(entry.channel, entry.price, BELOW_RATIO, floor, own_code))
        above = sorted((p for p in prices if p.channel != entry.channel and entry.price < p.lowest_30),
                       key=lambda p: (-p.lowest_30, p.channel))
        if above:
            found.append(Conflict(entry.channel, entry.price, BELOW_LOWEST, above[0].lowest_30,
                                  above[0].channel))
    return found


# ---- profit -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelRates:
    commission_rate: Decimal = Decimal("0")
    payment_fee_rate: Decimal = Decimal("0")
    fee_per_order: Decimal = ZERO


@dataclass(frozen=True)
class ChannelProfit:
    orders: int
    paid: Decimal
    refunds: Decimal
    cost: Decimal
    commission: Decimal
    payment_fees: Decimal
    order_fees: Decimal
    ad_spend: Decimal
    profit: Decimal
    margin: Decimal | None  # profit / paid (a fraction); None without sales


def channel_profit(*, orders: int, paid: Decimal, refunds: Decimal, cost: Decimal,
                   rates: ChannelRates, ad_spend: Decimal = ZERO) -> ChannelProfit:
    """profit = paid − refunds − cost − commission rate × paid − payment fee rate × paid −
    fee per order × orders − ad spend; margin = profit / paid."""
    paid, refunds, cost, ad_spend = map(to_money, (paid, refunds, cost, ad_spend))
    commission = to_money(paid * rates.commission_rate)
    payment_fees = to_money(paid * rates.payment_fee_rate)
    order_fees = to_money(rates.fee_per_order * orders)
    profit = paid - refunds - cost - commission - payment_fees - order_fees - ad_spend
    margin = (profit / paid).quantize(Decimal("0.0001")) if paid > 0 else None
    return ChannelProfit(orders, paid, refunds, cost, commission, payment_fees, order_fees,
                         ad_spend, profit, margin)


def rates_of(channels: Mapping[str, ChannelRates], code: str) -> ChannelRates:
    """A channel's rates; a code with no ``Channel`` row keeps everything it was paid."""
    return channels.get(code, ChannelRates())
