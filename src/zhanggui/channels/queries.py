"""Channel reads: channels, listings with their effective price and title check, and price
conflicts (computed on top of listings, price lists and price history — never stored)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhanggui.catalog.models import Sku
from zhanggui.channels import rules
from zhanggui.channels.errors import ChannelNotFound, ListingNotFound
from zhanggui.channels.models import Channel, ChannelListing, ChannelListingStatus, Platform
from zhanggui.listing import queries as listing_queries
from zhanggui.pricing import queries as pricing_queries

OWN = "own"


def list_channels(*, is_active: bool | None = None) -> QuerySet[Channel]:
    channels = Channel.objects.annotate(
        listed_count=Count("listings", filter=Q(listings__status=ChannelListingStatus.LISTED)))
    return channels if is_active is None else channels.filter(is_active=is_active)


def get_channel(channel_id: int) -> Channel:
    try:
        return Channel.objects.get(pk=channel_id)
    except Channel.DoesNotExist:
        raise ChannelNotFound(id=channel_id) from None


def get_listing(listing_id: int) -> ChannelListing:
    try:
        return ChannelListing.objects.select_related("channel", "sku__product").get(pk=listing_id)
    except ChannelListing.DoesNotExist:
        raise ListingNotFound(id=listing_id) from None


def list_listings(*, channel_id: int | None = None, status: str | None = None,
                  sku_id: int | None = None) -> QuerySet[ChannelListing]:
    listings = ChannelListing.objects.select_related("channel", "sku__product")
    if channel_id is not None:
        listings = listings.filter(channel_id=channel_id)
    if status:
        listings = listings.filter(status=status)
    if sku_id is not None:
        listings = listings.filter(sku_id=sku_id)
    return listings


def title_limits() -> dict[str, int]:
    """Title limits (bytes) by channel code: exactly the channels the listing checks measure
    product titles against (``listing.queries.policy``: the active ``ChannelTitleLimit`` rows,
    or its default while there are none). A channel not in here has nothing to check."""
    return {code: limit for code, _name, limit in listing_queries.policy().channels}


def listing_title(listing: ChannelListing) -> str:
    return listing.title or listing.sku.product.title


def title_check(listing: ChannelListing, limits: dict[str, int] | None = None) -> rules.TitleCheck:
    limits = title_limits() if limits is None else limits
    return rules.check_title(listing_title(listing), limits.get(listing.channel.code))


def channel_list_prices(channel_code: str, sku_ids: Iterable[int]) -> dict[int, list[Decimal]]:
    """Each SKU's entries in the channel's active price lists (``pricing.queries.price_overrides``,
    the query the checkout prices a channel's cart with)."""
    found: dict[int, list[Decimal]] = defaultdict(list)
    for override in pricing_queries.price_overrides(None, channel_code, sku_ids):
        found[override.sku_id].append(override.price)
    return found


def effective_prices(listings: list[ChannelListing]) -> dict[int, tuple[Decimal, str]]:
    """(effective price, its source) by listing id; one price-list query per channel."""
    by_channel: dict[str, list[ChannelListing]] = defaultdict(list)
    for listing in listings:
        by_channel[listing.channel.code].append(listing)
    result = {}
    for code, group in by_channel.items():
        list_prices = channel_list_prices(code, {item.sku_id for item in group})
        for item in group:
            result[item.pk] = rules.effective_price(item.price_amount, list_prices.get(item.sku_id, ()),
                                                    item.sku.price_amount)
    return result


@dataclass(frozen=True)
class ListingRow:
    listing: ChannelListing
    price: Decimal
    price_source: str
    title: str
    title_check: rules.TitleCheck


def listing_rows(listings: Iterable[ChannelListing]) -> list[ListingRow]:
    """Listings with effective price and title check (for the console and the API)."""
    listings = list(listings)
    prices = effective_prices(listings)
    limits = title_limits()
    return [ListingRow(item, *prices[item.pk], listing_title(item), title_check(item, limits))
            for item in listings]


def own_prices(skus: Iterable[Sku]) -> dict[int, Decimal]:
    """The own store's price per SKU: its ``own`` listing's price, else the ``own`` price
    list, else the SKU's price (the same resolution as any channel)."""
    skus = list(skus)
    own_listing = dict(ChannelListing.objects.filter(channel__code=OWN, sku__in=skus)
                       .values_list("sku_id", "price_amount"))
    list_prices = channel_list_prices(OWN, [s.pk for s in skus])
    return {s.pk: rules.effective_price(own_listing.get(s.pk), list_prices.get(s.pk, ()),
                                        s.price_amount)[0] for s in skus}


def price_conflicts(*, at: datetime | None = None, sku_id: int | None = None) -> list[dict]:
    """The price conflicts of every SKU listed (status ``listed``) on two or more channels.

    The 30-day lowest price of a channel: the SKU's price history (``pricing.PriceHistory``)
    records the shop's own selling price only, so a channel whose price follows the SKU's price
    takes ``pricing.queries.lowest_price_in`` (the promotion rule's 30-day lowest); a channel
    with its own listing or price-list price has no stored history and takes that price now.
    """
    at = at or timezone.now()
    listed = (ChannelListing.objects.filter(status=ChannelListingStatus.LISTED)
              .select_related("channel", "sku__product"))
    if sku_id is not None:
        listed = listed.filter(sku_id=sku_id)
    multi = (listed.values("sku_id").annotate(n=Count("channel_id", distinct=True))
             .filter(n__gte=2).values("sku_id"))
    listings = list(listed.filter(sku_id__in=multi).order_by("sku_id", "channel__code"))
    if not listings:
        return []
    prices = effective_prices(listings)
    by_sku: dict[int, list[ChannelListing]] = defaultdict(list)
    for listing in listings:
        by_sku[listing.sku_id].append(listing)
    own = own_prices([group[0].sku for group in by_sku.values()])
    names = channel_names()
    rows = []
    for sku_id_, group in by_sku.items():
        sku = group[0].sku
        lowest_own = None
        entries = []
        for item in group:
            price, source = prices[item.pk]
            lowest = price
            if source == rules.SOURCE_SKU:
                if lowest_own is None:
                    lowest_own = pricing_queries.lowest_price_in(sku, at=at)
                lowest = min(price, lowest_own)
            entries.append(rules.ChannelPrice(item.channel.code, price, lowest,
                                              item.channel.min_price_ratio))
        for conflict in rules.conflicts(entries, own_price=own[sku_id_], own_code=OWN):
            rows.append({
                "sku_id": sku.pk, "sku": sku.code, "product": sku.product.title,
                "channel": conflict.channel, "channel_name": names.get(conflict.channel, conflict.channel),
                "price": conflict.price, "rule": conflict.rule, "reference": conflict.reference,
                "reference_channel": conflict.reference_channel,
                "reference_channel_name": names.get(conflict.reference_channel,
                                                    conflict.reference_channel)})
    return rows


def channel_rates() -> dict[str, rules.ChannelRates]:
    """Commission and fees by channel code (for the channel profit report)."""
    return {c.code: rules.ChannelRates(c.commission_rate, c.payment_fee_rate, c.fee_per_order_amount)
            for c in Channel.objects.all()}


def channel_names() -> dict[str, str]:
    """Names by code: the channels' own, else the platform's name for a platform code with no
    ``Channel`` row (``own`` → "own store")."""
    names = {code: str(label) for code, label in Platform.choices}
    names.update(Channel.objects.values_list("code", "name"))
    return names
