"""Recompute and publish (``channels.actions_sync``), and the debounced sync after a stock
change (``channels.tasks``)."""

import csv

import pytest
from django.core.cache import cache

from tests import factories
from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_listing,
    make_rule,
    stocked_sku,
)
from zhanggui.accounts.models import OperationLog
from zhanggui.channels import actions_sync, tasks
from zhanggui.channels.adapters import export_path
from zhanggui.channels.models import PublishedQuantity, PublishRun, SyncMark
from zhanggui.inventory import actions as inventory_actions

pytestmark = pytest.mark.django_db


def quantities() -> dict[tuple[str, str], tuple[int, int | None]]:
    return {(q.channel.code, q.sku.code): (q.quantity, q.published_quantity)
            for q in PublishedQuantity.objects.select_related("channel", "sku")}


@pytest.fixture
def two_channels():
    taobao, jd = make_channel("taobao"), make_channel("jd")
    make_rule(taobao, percent="0.6")
    make_rule(jd, percent="0", fixed=10, pool="reserved")
    return taobao, jd


def test_recompute_stores_each_listed_channel_by_its_rule(two_channels):
    taobao, jd = two_channels
    sku = stocked_sku(50)
    make_listing(taobao, sku)
    make_listing(jd, sku)
    other = stocked_sku(50)
    make_listing(taobao, other, status="draft")  # not on sale: not synced
    result = actions_sync.recompute()
    assert sorted(result.changed) == sorted([(jd.pk, sku.pk, 10), (taobao.pk, sku.pk, 24)])
    assert quantities() == {("taobao", sku.code): (24, None), ("jd", sku.code): (10, None)}
    assert actions_sync.recompute().changed == []  # nothing changed, nothing written


def test_a_skus_own_rule_wins_and_an_inactive_one_falls_back_to_the_default(two_channels):
    taobao, _jd = two_channels
    sku = stocked_sku(100)
    make_listing(taobao, sku)
    own = make_rule(taobao, sku, percent="0.1", max_quantity=5)
    actions_sync.recompute([sku.pk])
    assert quantities()[("taobao", sku.code)][0] == 5
    own.is_active = False
    own.save()
    actions_sync.recompute([sku.pk])
    assert quantities()[("taobao", sku.code)][0] == 60


def test_no_rule_or_an_inactive_channel_publishes_nothing_and_a_delisted_sku_goes_to_zero():
    douyin, pdd = make_channel("douyin"), make_channel("pinduoduo", is_active=False)
    make_rule(pdd)
    sku = stocked_sku(20)
    listing = make_listing(douyin, sku)
    make_listing(pdd, sku)
    assert actions_sync.recompute().changed == []  # douyin has no rule, pdd is off
    make_rule(douyin)
    actions_sync.recompute()
    assert quantities() == {("douyin", sku.code): (20, None)}
    listing.status = "delisted"
    listing.save()
    actions_sync.recompute([sku.pk])
    assert quantities() == {("douyin", sku.code): (0, None)}


def test_publish_writes_the_platform_csv_and_the_log(two_channels, owner):
    taobao, _jd = two_channels
    sku = stocked_sku(50)
    make_listing(taobao, sku).__class__.objects.filter(sku=sku).update(external_id="6234567890")
    actions_sync.recompute()
    run = actions_sync.publish(taobao, actor=owner)
    assert (run.status, run.line_count, run.trigger, run.adapter) == ("ok", 1, "manual", "csv")
    line = run.lines.get()
    assert (line.sku_id, line.quantity, line.previous_quantity, line.ok) == (sku.pk, 30, None, True)
    with export_path(run.file_name).open(encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [["宝贝ID", "商家编码", "库存"], ["6234567890", sku.code, "30"]]
    assert quantities()[("taobao", sku.code)] == (30, 30)
    taobao.refresh_from_db()
    assert taobao.last_published_at == run.finished_at
    assert OperationLog.objects.filter(action="channels.publish_stock", actor=owner).count() == 1
    assert actions_sync.publish(taobao) is None  # nothing differs any more


def test_manual_recompute_is_logged_per_active_channel(two_channels, owner):
    actions_sync.recompute(actor=owner)
    assert OperationLog.objects.filter(action="channels.recompute_quantities").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_committed_stock_change_recomputes_and_publishes_both_channels(two_channels):
    """Real commits (a transactional test): inventory announces each commit's SKUs."""
    taobao, jd = two_channels
    warehouse = factories.make_warehouse()
    sku = stocked_sku(0)
    make_listing(taobao, sku)
    make_listing(jd, sku)
    cache.delete(tasks.QUEUED_KEY)
    factories.stock_up(sku, warehouse, 50)
    assert quantities() == {("taobao", sku.code): (24, 24), ("jd", sku.code): (10, 10)}
    assert not SyncMark.objects.exists()
    assert set(PublishRun.objects.values_list("trigger", flat=True)) == {"stock_change"}
    # The next change is not swallowed by the first one's debounce key (eager Celery).
    inventory_actions.adjust_stock(sku, warehouse=warehouse, delta=-45, reason="count", actor=None)
    assert quantities() == {("taobao", sku.code): (0, 0), ("jd", sku.code): (5, 5)}


def test_a_burst_of_changes_queues_one_run(two_channels, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.sync_marked, "apply_async", lambda **kw: queued.append(kw))
    cache.delete(tasks.QUEUED_KEY)
    skus = [stocked_sku(0) for _ in range(3)]
    for sku in skus:
        tasks.on_stock_changed({sku.pk})
    assert queued == [{"countdown": 5}]
    assert set(SyncMark.objects.values_list("sku_id", flat=True)) == {s.pk for s in skus}
    cache.delete(tasks.QUEUED_KEY)


def test_marks_made_after_the_run_started_stay_for_the_next_run(two_channels):
    sku = stocked_sku(5)
    actions_sync.mark_changed([sku.pk])
    started = SyncMark.objects.get().marked_at
    actions_sync.mark_changed([sku.pk])  # marked again while the run works
    assert actions_sync.clear_marks([sku.pk], started) == 0
    assert SyncMark.objects.count() == 1


def test_the_listener_never_breaks_the_committed_stock_change(monkeypatch):
    def broken(ids):
        raise RuntimeError("broker down")
    monkeypatch.setattr(tasks, "request_sync", broken)
    tasks.on_stock_changed({1})  # logged, not raised


def test_the_full_sync_publishes_every_difference(two_channels):
    taobao, _jd = two_channels
    sku = stocked_sku(30)
    make_listing(taobao, sku)
    result = tasks.sync_all_task()
    assert result == {"changed": 1, "runs": 1}
    assert PublishRun.objects.get().trigger == "full"
    assert quantities() == {("taobao", sku.code): (18, 18)}
