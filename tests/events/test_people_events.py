"""Customers, tickets and campaigns write their events, with ids, codes and statuses and no
personal data: customer.created, ticket.opened, campaign.sent; a refused change writes
none."""

from datetime import time
from decimal import Decimal

import pytest

from tests.events.support import PERSONAL, events_of, only_event
from tests.marketing.campaign_factories import make_campaign, make_contact, make_segment
from tests.service.support import always_open_policy, open_chat
from zhanggui.customers import actions as customer_actions
from zhanggui.customers.errors import DuplicateCustomer
from zhanggui.marketing import campaigns, outbox
from zhanggui.marketing.models import ContactPolicy, Message
from zhanggui.service.errors import InvalidTicketData

pytestmark = pytest.mark.django_db


def test_creating_a_customer_writes_customer_created():
    customer = customer_actions.create_customer("C900001", nickname="老王", name="王五",
                                                phone="13900000001", email="w@example.com",
                                                actor=None, channel="douyin")
    with pytest.raises(DuplicateCustomer):
        customer_actions.create_customer("C900001", actor=None)

    event = only_event("customer.created")
    assert (event.subject_id, event.occurred_at) == (str(customer.pk), customer.created_at)
    assert event.data == {"customer_id": customer.pk, "code": "C900001", "channel": "douyin",
                          "is_guest": False, "created_at": event.data["created_at"]}


def test_opening_a_ticket_writes_ticket_opened():
    always_open_policy()
    ticket = open_chat(body="我的手机号 13900000001，快递还没到", kind="complaint",
                       nature="logistics", severity="high")
    with pytest.raises(InvalidTicketData):
        open_chat(channel="pigeon")

    event = only_event("ticket.opened")
    assert (event.subject_id, event.occurred_at) == (str(ticket.pk), ticket.opened_at)
    data = event.data
    assert (data["number"], data["channel"], data["kind"], data["nature"], data["severity"]) == (
        ticket.number, "chat", "complaint", "logistics", "high")
    assert not PERSONAL & set(data) and "13900000001" not in str(data)


def test_a_campaign_whose_messages_are_all_sent_writes_campaign_sent():
    ContactPolicy.objects.create(quiet_start=time(0, 0), quiet_end=time(0, 0),
                                 email_cost_amount=Decimal("0.01"))
    campaign = make_campaign(make_segment([make_contact(phone=False), make_contact(phone=False)]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    messages = list(Message.objects.filter(campaign=campaign).order_by("id"))
    assert len(messages) == 2

    outbox.mark_sent(messages[0].pk, "provider-1")
    assert not events_of("campaign.sent")  # one message is still queued
    outbox.mark_sent(messages[1].pk, "provider-2")

    campaign.refresh_from_db()
    event = only_event("campaign.sent")
    assert (event.subject_id, event.occurred_at) == (str(campaign.pk), campaign.sent_at)
    assert (event.data["code"], event.data["status"]) == (campaign.code, "sent")
    assert (event.data["messages_sent"], event.data["messages_failed"]) == (2, 0)
    assert not PERSONAL & set(event.data)
