"""Console pages of channels: rates in percent, the secret write-only, listings with their
effective price and title check, list/delist as bulk actions, the price-conflicts page."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from tests import factories
from tests.channels.channels_factories import make_channel, make_listing
from zhanggui.accounts.models import OperationLog
from zhanggui.channels.models import Channel, ChannelListing

pytestmark = pytest.mark.django_db
CHANNELS, LISTINGS = "/channels/channel/", "/channels/channellisting/"
CONFLICTS = "/channels/price-conflicts/"


def _client(role: str) -> Client:
    client = Client()
    client.force_login(factories.make_staff(role))
    return client


def _channel_form(**overrides) -> dict:
    data = {"code": "jd", "name": "京东自营", "platform": "jd", "is_active": "on",
            "commission_rate": "8", "payment_fee_rate": "0.6", "fee_per_order_amount": "0.00",
            "min_price_ratio": "90", "adapter": "csv", "api_url": "", "api_key": "",
            "api_secret": "top-secret", "sync_lag_minutes": "0", "guard_units": "0"}
    return {**data, **overrides}


def test_owner_adds_a_channel_in_percent_and_the_secret_is_never_shown():
    client = _client("owner")
    response = client.post(f"{CHANNELS}add/", _channel_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    channel = Channel.objects.get(code="jd")
    assert (channel.commission_rate, channel.payment_fee_rate, channel.min_price_ratio) == (
        Decimal("0.0800"), Decimal("0.0060"), Decimal("0.9000"))
    assert channel.api_secret == "top-secret"
    log = OperationLog.objects.get(action="channels.create_channel")
    assert "top-secret" not in str(log.after) and log.after["api_secret"] == "***"
    page = client.get(f"{CHANNELS}{channel.pk}/change/").content.decode()
    assert "top-secret" not in page and 'value="8"' in page
    listing_page = client.get(CHANNELS).content.decode()
    assert "8.00 %" in listing_page


def test_an_empty_secret_keeps_the_stored_one():
    channel = make_channel("jd", api_secret="keep-me")
    client = _client("owner")
    response = client.post(f"{CHANNELS}{channel.pk}/change/",
                           _channel_form(api_secret="", commission_rate="7.5"))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert channel.api_secret == "keep-me" and channel.commission_rate == Decimal("0.0750")


def test_listings_page_shows_price_source_and_title_findings():
    with_limit = make_channel("jd", name="京东", title_limit=10)
    without = make_channel("xiaohongshu", name="小红书")
    make_listing(with_limit, price="88.00", title="一二三四五六")
    make_listing(without, title="一二三")
    with translation.override("en"):
        page = _client("operator").get(LISTINGS).content.decode()
    assert "88.00" in page and "渠道商品价" in page
    assert "超长：12 / 10 字节" in page
    assert "该渠道无标题长度上限：无需检查" in page


def test_bulk_list_refuses_a_long_title_and_lists_the_rest():
    channel = make_channel("jd", title_limit=10)
    good = make_listing(channel, status="draft", title="短")
    bad = make_listing(channel, status="draft", title="一二三四五六")
    response = _client("operator").post(LISTINGS, {"action": "list_selected",
                                                   "_selected_action": [good.pk, bad.pk]})
    assert response.status_code in (200, 302)
    statuses = dict(ChannelListing.objects.values_list("pk", "status"))
    assert statuses == {good.pk: "listed", bad.pk: "draft"}


def test_conflicts_page_and_who_may_open_it():
    sku = factories.make_listed_sku(price="100.00")
    make_listing(make_channel("taobao", name="淘宝"), sku)
    make_listing(make_channel("jd", name="京东"), sku, price="80.00")
    page = _client("operator").get(CONFLICTS).content.decode()
    assert page.count('data-rule="below_min_ratio"') == 1
    assert page.count('data-rule="below_30_day_lowest"') == 1 and "京东" in page
    assert _client("warehouse").get(CONFLICTS).status_code == 403
    assert _client("service").get(LISTINGS).status_code == 403
