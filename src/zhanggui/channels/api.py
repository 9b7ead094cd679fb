"""The channels API, mounted at ``/api/v1/channels``: channels, their listings (with the
effective price and the title check; create, edit, list, delist) and price conflicts. The
channel profit report is the analytics report ``channel_profit``
(``/api/v1/analytics/reports/channel_profit``).

Thin: ``require_perm`` first, then one action or query.
"""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.catalog.queries import get_sku
from zhanggui.channels import actions, queries, rules
from zhanggui.channels.api_schemas import (
    ChannelListingFilter,
    ChannelListingIn,
    ChannelListingOut,
    ChannelListingPatchIn,
    ChannelOut,
    PriceConflictOut,
)
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id, Presented

router = Router()


def _listing_out(row: queries.ListingRow) -> dict:
    item = row.listing
    return {"id": item.pk, "channel_id": item.channel_id, "channel": item.channel.code,
            "sku_id": item.sku_id, "sku": item.sku.code, "title": row.title, "own_title": item.title,
            "price": row.price, "price_source": row.price_source, "listing_price": item.price_amount,
            "status": item.status, "external_id": item.external_id,
            "title_bytes": row.title_check.bytes, "title_limit": row.title_check.limit,
            "title_too_long": row.title_check.too_long, "updated_at": item.updated_at}


def _one(listing_id: int) -> dict:
    return _listing_out(queries.listing_rows([queries.get_listing(listing_id)])[0])


class ListingPagination(BoundedPagination):
    """Pages of listings, each page's effective prices and title checks computed at once."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = [_listing_out(row) for row in queries.listing_rows(page["items"])]
        return page


def _channel_out(channel, limits: dict[str, int]) -> dict:
    fields = ("id", "code", "name", "platform", "is_active", "commission_rate", "payment_fee_rate",
              "min_price_ratio", "adapter", "api_url")
    return {**{name: getattr(channel, name) for name in fields},
            "fee_per_order": channel.fee_per_order_amount, "has_api_secret": bool(channel.api_secret),
            "title_limit": limits.get(channel.code),
            "listed_count": getattr(channel, "listed_count", None)}


@router.get("", response={200: list[ChannelOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_channels(request, is_active: bool | None = None):
    """Every channel with its rates, its title limit and how many listings are on sale."""
    require_perm(request, "channels.view_channel")
    limits = queries.title_limits()
    return Presented(queries.list_channels(is_active=is_active).order_by("pk"),
                     lambda channel: _channel_out(channel, limits))


@router.get("/listings", response={200: list[ChannelListingOut], **ERRORS})
@paginate(ListingPagination, page_size=50)
def list_listings(request, filters: Query[ChannelListingFilter]):
    """Listings by channel and SKU (filters: channel, status, SKU)."""
    require_perm(request, "channels.view_channellisting")
    return queries.list_listings(**filters.model_dump())


@router.post("/listings", response={201: ChannelListingOut, **ERRORS})
def create_listing(request, payload: ChannelListingIn):
    """A draft listing (no price: the channel price list, else the SKU's price)."""
    require_perm(request, "channels.add_channellisting")
    listing = actions.create_listing(
        queries.get_channel(payload.channel_id), get_sku(payload.sku_id), actor=request.user,
        title=payload.title, price=payload.price, external_id=payload.external_id)
    return Status(201, _one(listing.pk))


@router.get("/listings/{listing_id}", response={200: ChannelListingOut, **ERRORS})
def get_listing(request, listing_id: Id):
    require_perm(request, "channels.view_channellisting")
    return _one(listing_id)


@router.patch("/listings/{listing_id}", response={200: ChannelListingOut, **ERRORS})
def update_listing(request, listing_id: Id, payload: ChannelListingPatchIn):
    """Change title, price (``clear_price``: follow the price list or SKU) or item id."""
    require_perm(request, "channels.change_channellisting")
    changes = {name: value for name, value in (("title", payload.title),
                                                ("external_id", payload.external_id))
               if value is not None}
    if payload.clear_price:
        changes["price_amount"] = None
    elif payload.price is not None:
        changes["price_amount"] = payload.price
    actions.update_listing(queries.get_listing(listing_id), actor=request.user, **changes)
    return _one(listing_id)


@router.post("/listings/{listing_id}/list", response={200: ChannelListingOut, **ERRORS})
def list_listing(request, listing_id: Id):
    """Put on sale; refused (``channel_title_too_long``) when the title is over the limit."""
    require_perm(request, "channels.change_channellisting")
    actions.list_listing(queries.get_listing(listing_id), actor=request.user)
    return _one(listing_id)


@router.post("/listings/{listing_id}/delist", response={200: ChannelListingOut, **ERRORS})
def delist_listing(request, listing_id: Id):
    require_perm(request, "channels.change_channellisting")
    actions.delist_listing(queries.get_listing(listing_id), actor=request.user)
    return _one(listing_id)


@router.get("/price-conflicts", response={200: list[PriceConflictOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def price_conflicts(request, sku_id: Id | None = None):
    """SKUs on sale on two or more channels whose price breaks a rule: below the own store's
    price × the channel's lowest ratio, or below another channel's 30-day lowest price."""
    require_perm(request, "channels.view_channellisting")
    return [{**row, "rule_name": str(rules.RULE_NAMES[row["rule"]])}
            for row in queries.price_conflicts(sku_id=sku_id)]


@router.get("/{channel_id}", response={200: ChannelOut, **ERRORS})
def get_channel(request, channel_id: Id):
    require_perm(request, "channels.view_channel")
    return _channel_out(queries.get_channel(channel_id), queries.title_limits())
