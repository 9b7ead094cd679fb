"""The demo's channels: rates, listings with the deliberate Pinduoduo conflicts, the JD price
list, everything logged."""

from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.channels import queries
from zhanggui.channels.models import Channel, ChannelListing
from zhanggui.demo.channels_seed import seed_channels
from zhanggui.demo.context import Clock

pytestmark = pytest.mark.django_db


def test_seed_channels_writes_rates_listings_and_conflicts():
    skus = [factories.make_listed_sku(price="100.00") for _ in range(12)]
    staff = {"operator": factories.make_staff("operator")}
    written = seed_channels(Clock(now=timezone.now(), tz=timezone.get_current_timezone()), staff)
    assert written["channels"] == 6 and written["price list entries"] == 4
    rates = {c.code: (c.commission_rate, c.fee_per_order_amount) for c in Channel.objects.all()}
    assert rates["jd"] == (Decimal("0.0800"), Decimal("0.00"))
    assert rates["pinduoduo"] == (Decimal("0.0060"), Decimal("0.50"))
    counts = {code: ChannelListing.objects.filter(channel__code=code).count()
              for code in ("taobao", "jd", "pinduoduo", "douyin")}
    assert counts == {"taobao": 6, "jd": 4, "pinduoduo": 3, "douyin": 3}
    assert written["listings"] == 16
    rows = queries.listing_rows(ChannelListing.objects.filter(channel__code="jd"))
    assert {(r.price, r.price_source) for r in rows} == {(Decimal("98.00"), "price_list")}
    conflicts = queries.price_conflicts()
    below_ratio = {(r["channel"], r["sku_id"]) for r in conflicts if r["rule"] == "below_min_ratio"}
    assert below_ratio == {("pinduoduo", skus[i].pk) for i in (0, 4, 8)}
    assert OperationLog.objects.filter(action="channels.list_listing").count() == 16 - written["drafts"]
