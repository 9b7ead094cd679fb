"""The demo's stock sync seed (``demo/channel_sync_seed.py``) on channels made as
``channels_seed`` makes them: rules by code, Douyin slow, one push per channel."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories
from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_listing,
    stocked_sku,
)
from zhanggui.channels.models import Channel, PublishedQuantity, PublishRun, SyncRule
from zhanggui.demo.channel_sync_seed import seed_channel_sync
from zhanggui.demo.context import Clock

pytestmark = pytest.mark.django_db


def test_rules_by_code_then_one_recompute_and_one_push_per_channel():
    channels = [make_channel(code) for code in ("taobao", "jd", "douyin")]
    skus = [stocked_sku(100) for _ in range(3)]
    for channel in channels:
        for sku in skus:
            make_listing(channel, sku)
    clock = Clock(now=timezone.now().replace(microsecond=0), tz=ZoneInfo("Asia/Shanghai"))
    result = seed_channel_sync(clock, {"operator": factories.make_staff("operator")})
    assert result == {"sync rules": 3 + 3, "quantities": 9, "publish runs": 3}
    douyin = Channel.objects.get(code="douyin")
    assert (douyin.sync_lag_minutes, douyin.guard_units) == (10, 2)
    assert SyncRule.objects.filter(sku__isnull=False, channel__code="taobao").count() == 3
    by = {(q.channel.code, q.sku_id): q.quantity for q in PublishedQuantity.objects.select_related("channel")}
    # 100 units: JD reserves 20; Taobao 80 % of the 80 left (SKU rules); Douyin 40 % of 80.
    assert {by[("jd", s.pk)] for s in skus} == {20}
    assert {by[("taobao", s.pk)] for s in skus} == {64}
    assert {by[("douyin", s.pk)] for s in skus} == {32}
    assert set(PublishRun.objects.values_list("started_at", flat=True)) == {clock.now}
    assert not PublishedQuantity.objects.filter(published_quantity__isnull=True).exists()
