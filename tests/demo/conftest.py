"""Fixtures of the demo-store tests: the seeder at a small scale on a pinned day."""

import hashlib
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from zhanggui.orders.models import Order

TODAY = date(2026, 3, 1)   # a year back covers 618, 双11, 双12 and Spring Festival 2026
SCALE = "0.03"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def store_digest() -> str:
    """A fingerprint of the seeded orders: number, amounts and status of each."""
    rows = Order.objects.order_by("number").values_list(
        "number", "total_amount", "paid_amount", "refunded_amount", "status", "placed_at")
    text = "\n".join("|".join(str(value) for value in row) for row in rows)
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once per test module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("seed_demo", "--scale", SCALE, "--today", TODAY.isoformat(), stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def store(seeded, db):
    return seeded
