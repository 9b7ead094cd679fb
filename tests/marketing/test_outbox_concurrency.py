"""Two workers at once on PostgreSQL: one message is claimed and sent by one of them only;
a campaign sent twice at once queues each message once."""

from datetime import time

import pytest

from tests.concurrency import run_in_threads
from tests.marketing.campaign_factories import make_campaign, make_contact, make_segment
from tests.marketing.smtp_sink import smtp_sink  # noqa: F401  (fixture)
from zhanggui.core.errors import DomainError
from zhanggui.marketing import campaigns, outbox
from zhanggui.marketing.models import ContactPolicy, Message

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


@pytest.fixture
def prepared():
    ContactPolicy.objects.create(quiet_start=time(0, 0), quiet_end=time(0, 0))
    campaign = make_campaign(make_segment([make_contact() for _ in range(3)]))
    campaigns.prepare_campaign(campaign, actor=None)
    return campaign


def test_workers_delivering_the_same_messages_at_once_send_each_once(
        prepared, smtp_sink, monkeypatch):  # noqa: F811
    # Sending dispatches the deliveries after commit; here the test's threads deliver.
    monkeypatch.setattr("zhanggui.marketing.send_plan._dispatch", lambda: None)
    campaigns.send_campaign(prepared, actor=None)
    ids = list(Message.objects.values_list("id", flat=True))

    results = run_in_threads(6, lambda index: [outbox.deliver(i).outcome for i in ids])

    assert sorted(o for r in results for o in r).count("sent") == 3, results
    assert len(smtp_sink.envelopes) == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_sending_a_campaign_at_once_while_delivering_queues_and_sends_each_message_once(
        prepared, smtp_sink):  # noqa: F811
    results = run_in_threads(4, lambda index: campaigns.send_campaign(prepared, actor=None))

    assert all(not isinstance(r, Exception) or isinstance(r, DomainError) for r in results), results
    assert sum(r.queued for r in results if not isinstance(r, Exception)) == 3
    assert Message.objects.count() == 3
    assert len(smtp_sink.envelopes) == 3
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    prepared.refresh_from_db()
    assert prepared.status == "sent"
