"""The same seed on the same day gives the same store; another seed gives another one."""

import pytest
from django.db import transaction

from tests.demo.conftest import FAST_HASHERS, TODAY, store_digest
from zhanggui.demo import orders_plan
from zhanggui.demo.context import SeedOptions
from zhanggui.demo.seed import seed_demo
from zhanggui.inventory.models import Stock


def _seeded_digest(seed: int) -> tuple[str, list]:
    """Seed inside a savepoint, fingerprint the store, roll back."""
    with transaction.atomic():
        seed_demo(SeedOptions(scale=0.01, seed=seed, today=TODAY), write=lambda _line: None)
        stock = list(Stock.objects.order_by("sku__code", "warehouse__code")
                     .values_list("sku__code", "warehouse__code", "on_hand", "reserved"))
        digest = store_digest()
        transaction.set_rollback(True)
    return digest, stock


@pytest.mark.django_db
def test_same_seed_and_day_give_the_same_orders_totals_and_stock(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    first = _seeded_digest(2026)
    again = _seeded_digest(2026)
    assert first == again
    assert _seeded_digest(7)[0] != first[0]


@pytest.mark.django_db
def test_channels_only_label_the_orders_amounts_statuses_times_and_stock_stay(settings,
                                                                              monkeypatch):
    """Seeding without the channel phase gives the same orders, totals, statuses and stock:
    the channels are drawn from a stream of their own and shift no other phase."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with_channels = _seeded_digest(2026)
    monkeypatch.setattr(orders_plan, "assign_channels", lambda *_args: None)
    assert _seeded_digest(2026) == with_channels
