"""The drop-ship sweep: late supplier orders become tasks (closed when shipped), a stale
stock feed raises one alert per staleness episode."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.fulfillment.dropship_support import drop_ship_order, drop_ship_supplier, supplied_sku
from zhanggui.accounts.models import Alert
from zhanggui.fulfillment import dropship
from zhanggui.fulfillment.dropship_kinds import DROPSHIP_LATE
from zhanggui.fulfillment.dropship_sweep import alert_stale_feeds, sweep_drop_ship
from zhanggui.inventory.feed import sync_stock_feed
from zhanggui.tasks.models import Task

pytestmark = pytest.mark.django_db


def test_a_supplier_order_not_shipped_within_48_hours_of_payment_opens_one_task():
    supplier = drop_ship_supplier()
    order, supplier_order = drop_ship_order(supplier)
    paid = order.paid_at

    assert sweep_drop_ship(now=paid + timedelta(hours=47)).late_opened == 0
    assert sweep_drop_ship(now=paid + timedelta(hours=49)).late_opened == 1
    assert sweep_drop_ship(now=paid + timedelta(hours=50)).late_opened == 0
    task = Task.objects.get(kind=DROPSHIP_LATE)
    assert task.status == "open" and supplier_order.number in task.title

    dropship.ship_supplier_order(supplier_order, carrier="sf", tracking_number="SF5", actor=None)
    assert sweep_drop_ship(now=paid + timedelta(hours=51)).late_closed == 1
    task.refresh_from_db()
    assert task.status != "open"


def test_a_stale_feed_raises_one_alert_per_episode():
    supplier = drop_ship_supplier()
    sku = supplied_sku(supplier)
    sync_stock_feed(supplier.warehouse, rows={sku.code: 5}, actor=None)
    synced = timezone.now()

    assert alert_stale_feeds(synced + timedelta(minutes=10)) == 0
    assert alert_stale_feeds(synced + timedelta(minutes=16)) == 1
    assert alert_stale_feeds(synced + timedelta(minutes=21)) == 0  # told already
    assert alert_stale_feeds(synced + timedelta(hours=3)) == 0
    assert Alert.objects.filter(kind="feed_stale").count() == 1

    sync_stock_feed(supplier.warehouse, rows={sku.code: 4}, actor=None)  # a new episode
    later = timezone.now()
    assert alert_stale_feeds(later + timedelta(minutes=5)) == 0
    assert alert_stale_feeds(later + timedelta(minutes=30)) == 1
    assert Alert.objects.filter(kind="feed_stale").count() == 2


def test_a_feed_never_synced_is_stale_once():
    drop_ship_supplier()
    now = timezone.now()
    assert alert_stale_feeds(now) == 1
    assert alert_stale_feeds(now + timedelta(minutes=5)) == 0
