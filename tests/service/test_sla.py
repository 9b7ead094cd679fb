"""The SLA sweep: one task per breached clock, never a second, escalated_at set; resolving
closes the tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.service.support import always_open_policy, open_chat
from zhanggui.service import actions, actions_messages, sla
from zhanggui.service.tasks import sweep_ticket_clocks_task
from zhanggui.tasks.models import Task
from zhanggui.tasks.registry import get_kind

pytestmark = pytest.mark.django_db


def test_the_kinds_are_registered_for_the_service_role():
    assert get_kind("ticket_first_reply_late").role == "service"
    assert get_kind("ticket_resolution_late").role == "service"


def test_a_late_first_reply_opens_one_task_and_sets_escalated_at():
    always_open_policy(first_response_minutes=3, resolution_hours=24)
    agent = factories.make_staff("service")
    late = open_chat(opened_at=timezone.now() - timedelta(minutes=10))
    on_time = open_chat(opened_at=timezone.now() - timedelta(minutes=1))
    answered = open_chat(opened_at=timezone.now() - timedelta(minutes=10))
    actions_messages.reply_ticket(answered, body="在的", actor=agent)
    result = sla.sweep_ticket_clocks()
    assert (result.first_reply, result.resolution) == (1, 0)
    task = Task.objects.get()
    assert (task.kind, task.subject_id, task.role) == ("ticket_first_reply_late", str(late.pk),
                                                       "service")
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.escalated_at is not None and on_time.escalated_at is None
    assert sla.sweep_ticket_clocks().first_reply == 0  # idempotent
    assert Task.objects.count() == 1


def test_a_resolved_task_is_never_opened_again_for_the_same_clock():
    always_open_policy(first_response_minutes=3, resolution_hours=1)
    agent = factories.make_staff("service")
    ticket = open_chat(opened_at=timezone.now() - timedelta(hours=2))
    assert sweep_ticket_clocks_task.delay().get() == {"first_reply": 1, "resolution": 1}
    actions_messages.reply_ticket(ticket, body="抱歉久等", actor=agent)
    actions.set_pending(ticket, actor=agent)
    actions_messages.add_inbound_message(ticket, body="还没好吗", actor=None)
    assert sla.sweep_ticket_clocks() == sla.SweepResult(0, 0)
    assert Task.objects.count() == 2
    actions.resolve_ticket(ticket, actor=agent)
    assert set(Task.objects.values_list("status", flat=True)) == {"resolved"}
    actions_messages.add_inbound_message(ticket, body="又坏了", actor=None)  # reopened, late
    assert sla.sweep_ticket_clocks() == sla.SweepResult(0, 0)
    assert Task.objects.count() == 2


def test_done_tickets_are_not_swept():
    always_open_policy(first_response_minutes=3, resolution_hours=1)
    agent = factories.make_staff("service")
    ticket = open_chat(opened_at=timezone.now() - timedelta(hours=2))
    actions.close_ticket(ticket, actor=agent)
    assert sla.sweep_ticket_clocks() == sla.SweepResult(0, 0)
    assert not Task.objects.exists()
