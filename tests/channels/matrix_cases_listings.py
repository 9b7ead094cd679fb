"""Setups of the permission matrix's rows for channels, listings and price conflicts
(``/api/v1/channels``): a JD channel (8 %) with a 20-byte title limit and a SKU at 100.00
listed on JD at 80.00 and on Taobao at its own price."""

from decimal import Decimal

from tests import factories
from tests.api.case import Case
from tests.channels.channels_factories import make_channel, make_listing
from zhanggui.channels.models import ChannelListing


def _listed():
    sku = factories.make_listed_sku(price="100.00")
    jd = make_channel("jd", name="京东", title_limit=20, api_secret="never-shown")
    make_listing(make_channel("taobao", name="淘宝"), sku)
    return jd, make_listing(jd, sku, price="80.00", title="短标题")


def list_channels() -> Case:
    _listed()
    return Case(check=lambda data, staff: data["count"] == 2 and all(
        "api_secret" not in c for c in data["items"]))


def get_channel() -> Case:
    jd, _listing = _listed()
    return Case(path={"channel_id": jd.pk}, check=lambda data, staff: (
        data["commission_rate"], data["title_limit"], data["has_api_secret"]) == ("0.0800", 20, True))


def list_listings() -> Case:
    jd, listing = _listed()
    return Case(query={"channel_id": jd.pk, "status": "listed"}, check=lambda data, staff: [
        (i["id"], i["price"], i["price_source"]) for i in data["items"]] == [
        (listing.pk, "80.00", "listing")])


def get_listing() -> Case:
    _jd, listing = _listed()
    return Case(path={"listing_id": listing.pk}, check=lambda data, staff: (
        data["title_bytes"], data["title_limit"], data["title_too_long"]) == (6, 20, False))


def create_listing() -> Case:
    jd = make_channel("jd")
    sku = factories.make_listed_sku(price="100.00")
    return Case(body={"channel_id": jd.pk, "sku_id": sku.pk, "price": "95.00"}, target=jd,
                check=lambda data, staff: ChannelListing.objects.get(channel=jd, sku=sku).price_amount
                == Decimal("95.00") and data["status"] == "draft")


def update_listing() -> Case:
    _jd, listing = _listed()
    return Case(path={"listing_id": listing.pk}, body={"clear_price": True}, target=listing,
                check=lambda data, staff: data["price"] == "100.00"
                and ChannelListing.objects.get(pk=listing.pk).price_amount is None)


def list_listing() -> Case:
    listing = make_listing(make_channel("jd", title_limit=20), status="draft", title="短标题")
    return Case(path={"listing_id": listing.pk}, target=listing,
                check=lambda data, staff: ChannelListing.objects.get(pk=listing.pk).status == "listed")


def delist_listing() -> Case:
    _jd, listing = _listed()
    return Case(path={"listing_id": listing.pk}, target=listing,
                check=lambda data, staff: ChannelListing.objects.get(pk=listing.pk).status == "delisted")


def price_conflicts() -> Case:
    _listed()
    return Case(check=lambda data, staff: {(i["channel"], i["rule"], i["reference"])
                                           for i in data["items"]} == {
        ("jd", "below_min_ratio", "90.00"), ("jd", "below_30_day_lowest", "100.00")})
