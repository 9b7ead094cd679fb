"""The outbox: delivery to a real SMTP server (aiosmtpd), retries, and sends that stay
single across a worker that dies (idempotent across a restart)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.marketing.campaign_factories import make_campaign, make_contact, make_segment
from tests.marketing.smtp_sink import smtp_sink  # noqa: F401  (fixture)
from zhanggui.marketing import campaigns, outbox
from zhanggui.marketing.models import ContactPolicy, Message, Recipient
from zhanggui.marketing.senders import get_sender, message_id
from zhanggui.marketing.tasks import deliver_message, dispatch_due_messages
from zhanggui.marketing.unsubscribe import record_unsubscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy():
    return ContactPolicy.objects.create(quiet_start=time(0, 0), quiet_end=time(0, 0),
                                        email_cost_amount=Decimal("0.01"))


def sent_campaign(customers):
    campaign = make_campaign(make_segment(customers))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    return campaign


def age_claims(minutes: int) -> None:
    Message.objects.filter(status="sending").update(
        claimed_at=timezone.now() - timedelta(minutes=minutes))


def test_dispatch_delivers_each_message_by_smtp_and_records_it(policy, smtp_sink):  # noqa: F811
    customers = [make_contact(), make_contact()]
    campaign = sent_campaign(customers)

    assert dispatch_due_messages() == {"reclaimed": 0, "dispatched": 2}

    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in customers)
    mail = smtp_sink.messages[0]
    message = Message.objects.get(provider_id=mail["Message-ID"])
    assert mail["Message-ID"] == message_id(message)
    link = mail["List-Unsubscribe"].strip()
    assert link.startswith("<http") and "/unsubscribe/" in link
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for message in Message.objects.filter(campaign=campaign):
        assert message.status == "sent" and message.attempts == 1
        assert message.cost_amount == Decimal("0.01") and message.sent_at is not None
    assert set(Recipient.objects.values_list("status", flat=True)) == {"sent"}
    assert not Recipient.objects.filter(reached_at__isnull=True).exists()
    campaign.refresh_from_db()
    assert campaign.status == "sent" and campaign.sent_at is not None


def test_a_worker_that_claimed_and_died_before_sending_leaves_exactly_one_copy(
        policy, smtp_sink):  # noqa: F811
    customers = [make_contact(), make_contact(), make_contact()]
    campaign = sent_campaign(customers)
    dead = Message.objects.filter(campaign=campaign).order_by("id").first()
    assert outbox.claim(dead.pk) is not None  # the worker claimed it, then its process died

    dispatch_due_messages()  # the two others are sent; the claimed one is not taken again
    assert len(smtp_sink.envelopes) == 2
    dispatch_due_messages()
    assert len(smtp_sink.envelopes) == 2

    age_claims(outbox.claim_minutes() + 1)  # the claim grows stale: the sweep reclaims it
    assert dispatch_due_messages() == {"reclaimed": 1, "dispatched": 1}
    dispatch_due_messages()
    campaigns.send_campaign(campaign, actor=None)
    dispatch_due_messages()

    assert sorted(smtp_sink.recipients()) == sorted(c.email for c in customers)
    dead.refresh_from_db()
    assert dead.status == "sent" and dead.attempts == 2
    assert Message.objects.filter(campaign=campaign).count() == 3


def test_a_worker_that_sent_and_died_before_recording_sends_a_copy_with_the_same_id(
        policy, smtp_sink):  # noqa: F811
    """At least once: the SMTP server accepted the message, the worker died before marking
    it sent; after the sweep it is sent again, with the same Message-ID for receivers to
    drop (documented in docs/campaigns.md)."""
    customer = make_contact()
    campaign = sent_campaign([customer])
    message = outbox.claim(Message.objects.get(campaign=campaign).pk)
    get_sender("email").send(message, customer.email, headers={})  # …and died here

    age_claims(outbox.claim_minutes() + 1)
    dispatch_due_messages()
    dispatch_due_messages()

    assert len(smtp_sink.envelopes) == 2
    assert len({mail["Message-ID"] for mail in smtp_sink.messages}) == 1
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_fresh_claim_is_not_reclaimed(policy, smtp_sink):  # noqa: F811
    campaign = sent_campaign([make_contact()])
    outbox.claim(Message.objects.get(campaign=campaign).pk)
    age_claims(outbox.claim_minutes() - 1)
    assert dispatch_due_messages() == {"reclaimed": 0, "dispatched": 0}
    assert smtp_sink.envelopes == []


class Refusing:
    def address_for(self, customer):
        return customer.email

    def send(self, message, address, *, headers=None):
        raise ConnectionRefusedError("smtp down")


def test_a_failed_send_waits_longer_each_time_then_fails_for_good(policy, settings):
    settings.ZHANGGUI_SENDERS = {"email": "tests.marketing.test_outbox.Refusing"}
    campaign = sent_campaign([make_contact()])
    message = Message.objects.get(campaign=campaign)

    assert deliver_message.delay(message.pk).get() == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "smtp down" in message.last_error
    first_wait = message.send_after - timezone.now()
    assert timedelta(seconds=50) < first_wait <= timedelta(seconds=60)
    assert deliver_message.delay(message.pk).get() == "not_claimed"  # not due yet

    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        Message.objects.filter(pk=message.pk).update(send_after=timezone.now())
        outcome = deliver_message.delay(message.pk).get()
        message.refresh_from_db()
        assert message.attempts == attempt
    assert outcome == "failed" and message.status == "failed"
    assert Recipient.objects.get(campaign=campaign).status == "failed"
    campaign.refresh_from_db()
    assert campaign.status == "sent"


def test_a_customer_who_unsubscribed_after_queueing_is_not_sent_to(policy, smtp_sink):  # noqa: F811
    customer = make_contact()
    campaign = sent_campaign([customer])
    message = Message.objects.get(campaign=campaign)
    record_unsubscribe(customer, channel="email", source="reply", actor=None)
    message.refresh_from_db()
    assert message.status == "cancelled"

    Message.objects.filter(pk=message.pk).update(status="queued")  # even if still queued:
    assert deliver_message.delay(message.pk).get() == "cancelled"
    assert smtp_sink.envelopes == []
