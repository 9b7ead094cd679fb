"""The demo store's stock sync (库存同步): a rule for each channel that ``channels_seed``
created (found by code; a missing channel is skipped), Douyin marked slow with an oversell
guard, a few SKU rules, then the first full recompute and one push per channel (CSV files in
``ZHANGGUI_CHANNEL_EXPORT_DIR``). Run after ``seed_channels`` and after the stock is written.
"""

from decimal import Decimal

from zhanggui.accounts.models import Staff
from zhanggui.catalog.models import Sku
from zhanggui.channels import actions, actions_sync
from zhanggui.channels.models import (
    Channel,
    PoolKind,
    PublishedQuantity,
    PublishRun,
    PublishTrigger,
    SyncRule,
)
from zhanggui.demo.context import Clock

# code: (pool, share, plus units, at least, at most)
RULES = {
    "own": (PoolKind.SHARED, "1.00", 0, 0, None),
    "taobao": (PoolKind.SHARED, "0.60", 0, 0, None),
    "jd": (PoolKind.RESERVED, "0.20", 0, 0, 200),  # JD's warehouse stock is carved out
    "pinduoduo": (PoolKind.SHARED, "0.50", -2, 0, 500),
    "douyin": (PoolKind.SHARED, "0.40", 0, 0, None),
    "xiaohongshu": (PoolKind.RESERVED, "0.00", 5, 0, 5),  # a fixed 5 for seeding notes
}
SLOW = {"douyin": (10, 2)}  # code: (sync delay minutes, units held back)
HERO_SKUS = 5  # the first SKUs get 80 % on Taobao (its big sellers)


def seed_channel_sync(clock: Clock, staff: dict[str, Staff]) -> dict[str, int]:
    """Rules, the first recompute and a push per channel; returns what it wrote."""
    actor = staff.get("operator")
    channels = {c.code: c for c in Channel.objects.filter(code__in=RULES)}
    rules = 0
    for code, channel in channels.items():
        if code in SLOW:
            channel.sync_lag_minutes, channel.guard_units = SLOW[code]
            channel = actions.save_channel(channel, actor=actor,
                                           changed_fields=["sync_lag_minutes", "guard_units"])
        pool, share, fixed, least, most = RULES[code]
        actions_sync.save_rule(SyncRule(channel=channel, pool=pool, percent=Decimal(share), fixed=fixed,
                                        min_quantity=least, max_quantity=most), actor=actor, sync=False)
        rules += 1
    if "taobao" in channels:
        taobao = channels["taobao"]
        for sku in Sku.objects.filter(channel_listings__channel=taobao).order_by("pk")[:HERO_SKUS]:
            actions_sync.save_rule(SyncRule(channel=taobao, sku=sku, percent=Decimal("0.80")),
                                   actor=actor, sync=False)
            rules += 1
    computed = actions_sync.recompute(actor=actor)
    runs = actions_sync.publish_all(trigger=PublishTrigger.FULL, actor=actor)
    # The log reads as of the demo's present.
    PublishRun.objects.filter(pk__in=[r.pk for r in runs]).update(started_at=clock.now, finished_at=clock.now)
    PublishedQuantity.objects.update(computed_at=clock.now)
    PublishedQuantity.objects.exclude(published_at=None).update(published_at=clock.now)
    Channel.objects.exclude(last_published_at=None).update(last_published_at=clock.now)
    return {"sync rules": rules, "quantities": len(computed.changed), "publish runs": len(runs)}
