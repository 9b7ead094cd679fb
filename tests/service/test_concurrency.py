"""The desk under concurrency on PostgreSQL: distinct ticket numbers, one ticket per imported
conversation, one reply-clock task per ticket, one rating."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.concurrency import run_in_threads
from tests.service.support import always_open_policy, open_chat
from zhanggui.core.errors import DomainError
from zhanggui.service import actions, inbound, sla
from zhanggui.service.models import Ticket, TicketMessage
from zhanggui.tasks.models import Task

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_tickets_get_distinct_numbers():
    results = run_in_threads(8, lambda index: open_chat(body=f"第{index}个问题"))
    assert all(isinstance(result, Ticket) for result in results), results
    assert len({result.number for result in results}) == 8


def test_the_same_conversation_imported_at_once_makes_one_ticket():
    sent = timezone.now() - timedelta(minutes=5)
    messages = [inbound.ImportedMessage(external_id="m1", direction="in", body="在吗",
                                        sent_at=sent)]
    results = run_in_threads(4, lambda index: inbound.import_conversation(
        channel="chat", external_id="conv-race", messages=messages, actor=None))
    assert all(isinstance(result, inbound.ImportResult) for result in results), results
    assert Ticket.objects.count() == 1 and TicketMessage.objects.filter(direction="in").count() == 1


def test_concurrent_sweeps_open_one_task_per_clock():
    always_open_policy(first_response_minutes=3, resolution_hours=1)
    ticket = open_chat(opened_at=timezone.now() - timedelta(hours=2))
    results = run_in_threads(4, lambda index: sla.sweep_ticket_clocks())
    assert all(isinstance(result, sla.SweepResult) for result in results), results
    assert Task.objects.filter(subject_id=str(ticket.pk)).count() == 2


def test_a_ticket_is_rated_once_when_two_ratings_race():
    ticket = actions.close_ticket(open_chat(), actor=factories.make_staff("service"))
    results = run_in_threads(4, lambda index: actions.rate_ticket(ticket,
                                                                  rating_value=index + 1))
    assert sum(isinstance(result, Ticket) for result in results) == 1, results
    assert all(isinstance(result, Ticket | DomainError) for result in results), results
