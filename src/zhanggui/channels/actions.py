"""Channel writes: channel settings and listings (create, edit, list, delist). Each write is
one transaction and one operation-log entry. The API secret never enters the log."""

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.channels import queries
from zhanggui.channels.errors import (
    ChannelInactive,
    InvalidChannelPrice,
    ListingExists,
    ListingNotChangeable,
    TitleTooLong,
)
from zhanggui.channels.models import Channel, ChannelListing, ChannelListingStatus
from zhanggui.channels.tasks import request_sync_on_commit
from zhanggui.core.money import to_money

SECRET_FIELDS = frozenset({"api_secret"})
LISTING_FIELDS = ("title", "price_amount", "external_id")


def _logged(obj, names: Iterable[str]) -> dict:
    return {name: ("***" if name in SECRET_FIELDS and getattr(obj, name) else
                   str(getattr(obj, name))) for name in names}


@transaction.atomic
def save_channel(channel: Channel, *, actor: Staff | None, changed_fields: Iterable[str] = ()) -> Channel:
    """Create or update a channel (the console's form); the secret is logged as ``***``."""
    changed = [name for name in changed_fields if hasattr(channel, name)]
    if channel._state.adding or channel.pk is None:
        channel.full_clean()
        channel.save()
        names = [f.name for f in Channel._meta.concrete_fields if f.name not in {"id", "created_at",
                                                                               "updated_at"}]
        log_operation(channel, action="channels.create_channel", actor=actor,
                      after=_logged(channel, names))
        return channel
    before = _logged(Channel.objects.get(pk=channel.pk), changed)
    channel.full_clean()
    channel.save()
    log_operation(channel, action="channels.update_channel", actor=actor, before=before,
                  after=_logged(channel, changed))
    return channel


def _check_price(price: Decimal | None) -> Decimal | None:
    if price is None:
        return None
    price = to_money(price)
    if price <= 0:
        raise InvalidChannelPrice()
    return price


def _check_title(listing: ChannelListing) -> None:
    check = queries.title_check(listing)
    if check.too_long:
        raise TitleTooLong(bytes=check.bytes, limit=check.limit, channel=listing.channel.name)


@transaction.atomic
def create_listing(channel: Channel, sku: Sku, *, actor: Staff | None, title: str = "",
                   price: Decimal | None = None, external_id: str = "") -> ChannelListing:
    """A draft listing of ``sku`` on ``channel`` (list it with ``list_listing``)."""
    if ChannelListing.objects.filter(channel=channel, sku=sku).exists():
        raise ListingExists(sku=sku.code, channel=channel.name)
    listing = ChannelListing(channel=channel, sku=sku, title=title.strip(),
                             price_amount=_check_price(price), external_id=external_id.strip())
    try:
        with transaction.atomic():
            listing.save()
    except IntegrityError:  # a concurrent create of the same pair
        raise ListingExists(sku=sku.code, channel=channel.name) from None
    log_operation(listing, action="channels.create_listing", actor=actor,
                  after={"channel": channel.code, "sku": sku.code, **_logged(listing, LISTING_FIELDS)})
    return listing


@transaction.atomic
def update_listing(listing: ChannelListing, *, actor: Staff | None, **changes) -> ChannelListing:
    """Change title, price (None: follow the price list or the SKU) or platform item id. A
    listed listing keeps being checked: a title over the channel's limit is refused."""
    listing = (ChannelListing.objects.select_for_update()
               .select_related("channel", "sku__product").get(pk=listing.pk))
    unknown = set(changes) - set(LISTING_FIELDS)
    if unknown:
        raise TypeError(f"not a listing field: {sorted(unknown)}")
    before = _logged(listing, changes)
    if "price_amount" in changes:
        changes["price_amount"] = _check_price(changes["price_amount"])
    for name in ("title", "external_id"):
        if name in changes:
            changes[name] = (changes[name] or "").strip()
    for name, value in changes.items():
        setattr(listing, name, value)
    if listing.status == ChannelListingStatus.LISTED:
        _check_title(listing)
    listing.save()
    log_operation(listing, action="channels.update_listing", actor=actor, before=before,
                  after=_logged(listing, changes))
    return listing


@transaction.atomic
def list_listing(listing: ChannelListing, *, actor: Staff | None) -> ChannelListing:
    """Put a listing on sale: the channel must be active and the title within its limit."""
    listing = (ChannelListing.objects.select_for_update()
               .select_related("channel", "sku__product").get(pk=listing.pk))
    if listing.status == ChannelListingStatus.LISTED:
        raise ListingNotChangeable(status=ChannelListingStatus.LISTED.label)
    if not listing.channel.is_active:
        raise ChannelInactive(channel=listing.channel.name)
    _check_title(listing)
    before = listing.status
    listing.status = ChannelListingStatus.LISTED
    listing.save(update_fields=["status", "updated_at"])
    log_operation(listing, action="channels.list_listing", actor=actor,
                  before={"status": before}, after={"status": listing.status})
    _sync_after_commit(listing)
    return listing


@transaction.atomic
def delist_listing(listing: ChannelListing, *, actor: Staff | None) -> ChannelListing:
    """Take a listing off sale."""
    listing = ChannelListing.objects.select_for_update().get(pk=listing.pk)
    if listing.status != ChannelListingStatus.LISTED:
        raise ListingNotChangeable(status=ChannelListingStatus(listing.status).label)
    before = listing.status
    listing.status = ChannelListingStatus.DELISTED
    listing.save(update_fields=["status", "updated_at"])
    log_operation(listing, action="channels.delist_listing", actor=actor,
                  before={"status": before}, after={"status": listing.status})
    _sync_after_commit(listing)
    return listing


def _sync_after_commit(listing: ChannelListing) -> None:
    """A SKU put on or taken off sale on a channel gets its quantity there pushed at once
    (taken off sale: 0), not at the next full sync."""
    request_sync_on_commit([listing.sku_id])
