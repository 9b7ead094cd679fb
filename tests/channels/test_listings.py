"""Channel listings: effective price, title check against the channel's limit, list/delist
through the actions (logged), refusals that change nothing."""

from decimal import Decimal

import pytest

from tests import factories
from tests.api.support import ApiClient, row_counts, staff_of
from tests.channels.channels_factories import channel_price, make_channel, make_listing
from zhanggui.accounts.models import OperationLog
from zhanggui.channels import actions, queries
from zhanggui.channels.errors import ChannelInactive, ListingExists, TitleTooLong
from zhanggui.channels.models import ChannelListing
from zhanggui.listing.models import ChannelTitleLimit

pytestmark = pytest.mark.django_db
L = "/api/v1/channels/listings"


def _row(listing):
    return queries.listing_rows([ChannelListing.objects.get(pk=listing.pk)])[0]


def test_effective_price_listing_then_price_list_then_sku():
    sku = factories.make_listed_sku(price="100.00")
    jd, tb, dy = make_channel("jd"), make_channel("taobao"), make_channel("douyin")
    channel_price("taobao", sku, "92.00")
    channel_price("jd", sku, "95.00")
    assert (_row(make_listing(jd, sku, price="88.00")).price, _row(ChannelListing.objects.get(
        channel=jd, sku=sku)).price_source) == (Decimal("88.00"), "listing")
    row = _row(make_listing(tb, sku))
    assert (row.price, row.price_source) == (Decimal("92.00"), "price_list")
    row = _row(make_listing(dy, sku))
    assert (row.price, row.price_source) == (Decimal("100.00"), "sku")


def test_inactive_price_list_is_ignored():
    sku = factories.make_listed_sku(price="100.00")
    channel_price("taobao", sku, "80.00", active=False)
    assert _row(make_listing(make_channel("taobao"), sku)).price == Decimal("100.00")


def test_title_limit_counts_chinese_as_two_bytes_and_blocks_listing():
    channel = make_channel("jd", title_limit=20)
    listing = make_listing(channel, status="draft", title="纯棉短袖T恤男款夏季宽松")  # 11 × 2 + 1
    check = _row(listing).title_check
    assert check.bytes == 23 and check.limit == 20 and check.too_long
    before = row_counts()
    with pytest.raises(TitleTooLong) as caught:
        actions.list_listing(listing, actor=None)
    assert caught.value.code == "channel_title_too_long" and row_counts() == before
    actions.update_listing(listing, actor=None, title="纯棉短袖T恤")
    actions.list_listing(listing, actor=None)
    listing.refresh_from_db()
    assert listing.status == "listed"
    assert OperationLog.objects.filter(action="channels.list_listing", object_id=str(listing.pk)).exists()


def test_product_title_is_checked_when_the_listing_has_none():
    channel = make_channel("jd", title_limit=10)
    listing = make_listing(channel, status="draft")
    listing.sku.product.title = "一二三四五六"  # 12 bytes
    listing.sku.product.save()
    assert _row(listing).title_check.too_long


def test_channel_without_a_title_limit_has_nothing_to_check():
    ChannelTitleLimit.objects.create(channel="taobao", name="淘宝", max_bytes=60)
    channel = make_channel("xiaohongshu")
    check = _row(make_listing(channel, status="draft", title="长" * 100)).title_check
    assert not check.checked and not check.too_long
    actions.list_listing(ChannelListing.objects.get(channel=channel), actor=None)


def test_title_limit_of_a_new_channel_reaches_the_listing_checks():
    from zhanggui.listing import queries as listing_queries

    make_channel("douyin", title_limit=30)
    assert ("douyin", "douyin", 30) in listing_queries.policy().channels


def test_a_listed_listing_may_not_get_a_title_over_the_limit():
    listing = make_listing(make_channel("jd", title_limit=20), title="短标题")
    with pytest.raises(TitleTooLong):
        actions.update_listing(listing, actor=None, title="长" * 11)
    listing.refresh_from_db()
    assert listing.title == "短标题"


def test_duplicate_and_inactive_channel_are_refused():
    channel = make_channel("jd")
    listing = make_listing(channel, status="draft")
    with pytest.raises(ListingExists):
        actions.create_listing(channel, listing.sku, actor=None)
    channel.is_active = False
    channel.save()
    with pytest.raises(ChannelInactive):
        actions.list_listing(listing, actor=None)


def test_api_create_list_delist_and_filter():
    channel = make_channel("jd", title_limit=60)
    sku = factories.make_listed_sku(price="50.00")
    client = ApiClient(staff_of("operator"))
    response = client.post(L, {"channel_id": channel.pk, "sku_id": sku.pk, "price": "45.00"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["price"], body["price_source"]) == ("draft", "45.00", "listing")
    listing_id = body["id"]
    assert client.post(f"{L}/{listing_id}/list").json()["status"] == "listed"
    listed = client.get(f"{L}?channel_id={channel.pk}&status=listed").json()
    assert [i["id"] for i in listed["items"]] == [listing_id]
    patched = client.patch(f"{L}/{listing_id}", {"clear_price": True}).json()
    assert (patched["price"], patched["price_source"]) == ("50.00", "sku")
    assert client.post(f"{L}/{listing_id}/delist").json()["status"] == "delisted"
    again = client.post(f"{L}/{listing_id}/delist")
    assert again.status_code == 409 and again.json()["code"] == "channel_listing_transition"


def test_api_refuses_a_long_title_with_its_code_and_changes_nothing():
    listing = make_listing(make_channel("jd", title_limit=10), status="draft", title="长" * 6)
    client = ApiClient(staff_of("operator"))
    before = row_counts()
    response = client.post(f"{L}/{listing.pk}/list")
    assert response.status_code == 422 and response.json()["code"] == "channel_title_too_long"
    assert row_counts() == before


def test_wrong_role_is_refused_and_nothing_changes():
    listing = make_listing(make_channel("jd"), status="draft")
    client = ApiClient(staff_of("warehouse"))
    before = row_counts()
    response = client.post(f"{L}/{listing.pk}/list")
    assert response.status_code == 403 and row_counts() == before


def test_channel_api_never_shows_the_secret():
    channel = make_channel("jd", api_secret="s3cret-value", api_key="k")
    data = ApiClient(staff_of("operator")).get(f"/api/v1/channels/{channel.pk}").json()
    assert data["has_api_secret"] is True and "s3cret" not in str(data)
    assert data["commission_rate"] == "0.0800"
    listed = ApiClient(staff_of("operator")).get("/api/v1/channels").json()
    assert listed["count"] == 1 and "api_secret" not in listed["items"][0]
