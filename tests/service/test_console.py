"""The console's ticket pages: the picker fills the reply box on the server, the forms call
the actions, other roles get 403 and nothing changes; the rules' pages refuse bad input; the
workbench's ticket to-dos count what their lists show."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.console.workbench_support import list_rows, shown_todos
from tests.service.support import open_chat
from zhanggui.service.models import CannedReply, Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def _client(role: str) -> Client:
    client = Client()
    client.staff = factories.make_staff(role)
    client.force_login(client.staff)
    return client


def _page(ticket: Ticket) -> str:
    return f"/service/ticket/{ticket.pk}/change/"


def test_the_picker_fills_the_reply_and_the_agent_sends_resolves_and_closes():
    agent = _client("service")
    customer = factories.make_customer()
    ticket = open_chat(customer=customer, contact="小王")
    canned = CannedReply.objects.create(title="问候", body="{nickname}您好，我是{agent}")
    page = agent.get(_page(ticket), {"canned": canned.pk})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{customer.nickname}您好，我是service" in html and 'id="conversation"' in html
    sent = agent.post(f"/service/ticket/{ticket.pk}/reply/",
                      {"body": f"{customer.nickname}您好，我是小李", "canned_reply": canned.pk})
    assert sent.status_code == 302
    reply = ticket.messages.get(direction="out")
    assert reply.canned_reply == canned and reply.author == agent.staff
    assert CannedReply.objects.get(pk=canned.pk).used_count == 1
    agent.post(f"/service/ticket/{ticket.pk}/note/", {"body": "老客户"})
    agent.post(f"/service/ticket/{ticket.pk}/resolve/", {})
    closed = agent.post(f"/service/ticket/{ticket.pk}/close/", {}, follow=True)
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.first_responded_at == reply.sent_at
    assert 'id="rating-link"' in closed.content.decode()


def test_a_role_that_may_only_read_gets_403_and_nothing_changes():
    ticket = open_chat()
    analyst = _client("analyst")
    assert analyst.get(_page(ticket)).status_code == 200
    for step in ("reply", "note", "assign", "resolve", "close", "pending"):
        response = analyst.post(f"/service/ticket/{ticket.pk}/{step}/", {"body": "x"})
        assert response.status_code == 403, step
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.messages.count() == 1
    assert _client("warehouse").get(_page(ticket)).status_code == 403


def test_a_refused_step_is_an_error_message_and_changes_nothing():
    agent = _client("service")
    ticket = open_chat()
    response = agent.post(f"/service/ticket/{ticket.pk}/reply/", {"body": ""}, follow=True)
    assert response.status_code == 200
    assert not TicketMessage.objects.filter(direction="out").exists()
    agent.post(f"/service/ticket/{ticket.pk}/close/", {})
    again = agent.post(f"/service/ticket/{ticket.pk}/close/", {}, follow=True)
    assert "TK-" in again.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == "closed"


def test_a_phone_call_is_typed_into_the_open_form():
    agent = _client("service")
    customer = factories.make_customer()
    form = agent.get("/service/ticket/open/")
    assert form.status_code == 200
    bad = agent.post("/service/ticket/open/", {"channel": "phone", "kind": "complaint",
                                                "subject": "来电投诉", "nature": "product"})
    assert bad.status_code == 200 and not Ticket.objects.exists()
    done = agent.post("/service/ticket/open/", {
        "channel": "phone", "kind": "complaint", "subject": "来电投诉", "nature": "product",
        "severity": "high", "body": "收到的杯子是碎的", "customer_code": customer.code,
        "contact": "13812345678"})
    assert done.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.customer, ticket.severity) == ("phone", customer, "high")


def test_the_contact_is_masked_in_the_console_for_staff_without_personal_data():
    ticket = open_chat(contact="13812345678")
    html = _client("service").get(_page(ticket)).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "13812345678" in _client("owner").get(_page(ticket)).content.decode()


def test_a_canned_reply_with_an_unknown_variable_is_refused_in_the_console():
    agent = _client("service")
    response = agent.post("/service/cannedreply/add/", {"title": "问候", "body": "{name}您好",
                                                        "kind": "", "is_active": "on"})
    assert response.status_code == 200 and not CannedReply.objects.exists()
    assert "{name}" in response.content.decode()
    ok = agent.post("/service/cannedreply/add/", {"title": "问候", "body": "{nickname}您好",
                                                  "kind": "", "is_active": "on"})
    assert ok.status_code == 302 and CannedReply.objects.get().body == "{nickname}您好"


def test_the_workbench_counts_tickets_as_their_lists_show():
    agent = _client("service")
    other = factories.make_staff("service")
    mine = open_chat()
    mine.assignee = agent.staff
    mine.save()
    Ticket.objects.filter(pk=open_chat(kind="complaint", nature="product",
                                       severity="high").pk).update(assignee=other)
    late = open_chat()
    Ticket.objects.filter(pk=late.pk).update(
        first_response_due_at=timezone.now() - timedelta(minutes=5))
    closed = open_chat(kind="complaint", nature="service", severity="low")
    Ticket.objects.filter(pk=closed.pk).update(status="closed")
    home = agent.get("/").content.decode()
    cards = {todo.code: todo for todo in shown_todos(home)}
    expected = {"tickets_mine": 1, "tickets_first_reply_overdue": 1, "tickets_complaints_open": 1}
    for code, count in expected.items():
        assert cards[code].count == count, code
        assert list_rows(agent, cards[code].url) == count, code
    assert not re.search("tickets_", "".join(
        todo.code for todo in shown_todos(_client("warehouse").get("/").content.decode())))
