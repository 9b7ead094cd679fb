"""The same seed on the same day gives the same behaviour events."""

import hashlib

import pytest
from django.db import transaction

from tests.demo.conftest import FAST_HASHERS, TODAY
from zhanggui.demo.context import SeedOptions
from zhanggui.demo.seed import seed_demo
from zhanggui.traffic.models import Event


def _event_digest() -> str:
    rows = Event.objects.order_by("id").values_list(
        "event_id", "kind", "visitor_id", "session_id", "product__code", "order__number",
        "occurred_at", "source")
    return hashlib.sha256("\n".join(map(str, rows)).encode()).hexdigest()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_events(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    digests = []
    for _run in range(2):
        with transaction.atomic():
            seed_demo(SeedOptions(scale=0.01, today=TODAY), write=lambda _line: None)
            digests.append(_event_digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1]
