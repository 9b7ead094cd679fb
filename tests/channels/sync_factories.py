"""Helpers of the stock sync tests: a rule, a listed SKU with stock on a channel."""

from decimal import Decimal

import pytest

from tests import factories
from tests.channels.channels_factories import make_channel, make_listing  # noqa: F401 (re-exported)
from zhanggui.channels.models import SyncRule


def make_rule(channel, sku=None, *, percent: str = "1", fixed: int = 0, min_quantity: int = 0,
              max_quantity: int | None = None, pool: str = "shared", **fields) -> SyncRule:
    return SyncRule.objects.create(channel=channel, sku=sku, percent=Decimal(percent), fixed=fixed,
                                   min_quantity=min_quantity, max_quantity=max_quantity, pool=pool,
                                   **fields)


def stocked_sku(units: int, warehouse=None):
    sku = factories.make_listed_sku()
    if units:
        factories.stock_up(sku, warehouse or factories.make_warehouse(), units)
    return sku


@pytest.fixture(autouse=True)
def channel_export_dir(settings, tmp_path):
    """CSV files of each test in a folder of its own (import this fixture into the module)."""
    settings.ZHANGGUI_CHANNEL_EXPORT_DIR = tmp_path / "channel-exports"
    return settings.ZHANGGUI_CHANNEL_EXPORT_DIR
