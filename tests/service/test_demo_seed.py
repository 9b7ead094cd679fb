"""The demo's service desk: rules through the actions, a year and more of tickets with plausible
clocks."""

import random

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.demo import service_seed
from zhanggui.demo.service_seed import seed_service
from zhanggui.service.models import AssignmentRule, AutoReplyRule, CannedReply, Ticket

pytestmark = pytest.mark.django_db


def test_the_demo_desk_has_rules_and_a_quarter_of_tickets():
    agents = [factories.make_staff("service") for _ in range(2)]
    customers = [factories.make_customer() for _ in range(3)]
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 100)
    for customer in customers:
        factories.make_order(sku=sku, customer=customer, status="paid")
    now = timezone.now()
    counts = seed_service(random.Random(7), now=now)
    assert CannedReply.objects.count() >= 5 and AutoReplyRule.objects.count() >= 3
    assert AssignmentRule.objects.count() == 2
    tickets = Ticket.objects.all()
    assert counts["tickets"] == tickets.count() == service_seed.TICKETS
    assert len(set(tickets.values_list("number", flat=True))) == service_seed.TICKETS
    assert set(tickets.values_list("channel", flat=True)) == {"chat", "platform", "email",
                                                               "phone"}
    assert set(tickets.values_list("assignee", flat=True)) <= {a.pk for a in agents}
    answered = [t for t in tickets if t.first_responded_at]
    on_time = [t for t in answered if t.first_responded_at <= t.first_response_due_at]
    assert 0.6 < len(on_time) / len(answered) < 0.99  # most within the SLA, some late
    closed = tickets.filter(status="closed")
    assert 0.4 < closed.filter(rating__isnull=False).count() / closed.count() < 0.8
    for ticket in tickets:
        assert ticket.opened_at <= now
        assert ticket.first_responded_at is None or ticket.first_responded_at >= ticket.opened_at
        assert ticket.resolved_at is None or ticket.resolved_at >= ticket.first_responded_at
        assert ticket.order is None or ticket.order.customer_id == ticket.customer_id
        assert ticket.messages.filter(direction="in").exists()
