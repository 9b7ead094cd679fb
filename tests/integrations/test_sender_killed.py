"""A sender process killed (SIGKILL) while its request is out: the committed event stays in
the outbox with its leased delivery, and another sender delivers it once the lease ends.
PostgreSQL only: the sender is a separate process on the same database."""

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests import factories
from tests.integrations.receiver import Receiver
from zhanggui.integrations import webhooks
from zhanggui.integrations.models import DeliveryStatus, WebhookDelivery
from zhanggui.orders import actions

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]
ROOT = Path(__file__).resolve().parents[2]
SENDER = "import django; django.setup(); from zhanggui.integrations import webhooks; webhooks.deliver_due()"


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_sender_killed_mid_request_leaves_the_event_to_the_next(settings):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True
    arrived, release = threading.Event(), threading.Event()

    def hang_first(number: int) -> bool:
        if number == 1:
            arrived.set()
            release.wait(60)
            return True  # the killed sender never reads this answer
        return False

    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 10)
    with Receiver(refuse=hang_first) as receiver:
        endpoint = webhooks.create_endpoint(url=receiver.url, event_types=["order.placed"],
                                            actor=None)
        receiver.secret = endpoint.secret
        order = actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                                    recipient=factories.recipient(), actor=None)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zhanggui.settings",
               "DATABASE_URL": _database_url(), "ZHANGGUI_WEBHOOK_ALLOW_PRIVATE": "1",
               "PYTHONPATH": str(ROOT / "src")}
        env.pop("REDIS_URL", None)
        sender = subprocess.Popen([sys.executable, "-c", SENDER], env=env, cwd=ROOT)
        try:
            assert arrived.wait(60), "the sender never reached the receiver"
        finally:
            sender.send_signal(signal.SIGKILL)
            sender.wait(10)
        assert sender.returncode == -signal.SIGKILL

        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
        assert delivery.next_attempt_at > timezone.now()  # leased to the dead sender
        assert webhooks.deliver_due()["attempted"] == 0  # nobody else sends it meanwhile
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())  # the lease ran out
        release.set()
        assert webhooks.deliver_due()["delivered"] == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and delivery.attempts == 1
    assert list(receiver.unique) == [str(delivery.event.event_id)]
    assert receiver.unique[str(delivery.event.event_id)]["subject"]["id"] == str(order.pk)
