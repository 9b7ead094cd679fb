"""Setups of the service desk API rows in ``tests/api/matrix.py``."""

from email.message import EmailMessage

from tests import factories
from tests.api.case import Case
from zhanggui.service import actions
from zhanggui.service.actions import TicketInput
from zhanggui.service.models import CannedReply, Ticket, TicketMessage


def _ticket(**fields) -> Ticket:
    customer = factories.make_customer()
    data = {"channel": "chat", "subject": "发货咨询", "body": "什么时候发货", "customer": customer,
            "contact": customer.nickname, **fields}
    return actions.open_ticket(TicketInput(**data), actor=None)


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def list_tickets() -> Case:
    ticket = _ticket()
    return Case(query={"status": "open"},
                check=lambda data, staff: [t["id"] for t in data["items"]] == [ticket.pk])


def get_ticket() -> Case:
    ticket = _ticket()
    return Case(path={"ticket_id": ticket.pk},
                check=lambda data, staff: data["messages"][0]["body"] == "什么时候发货")


def open_ticket() -> Case:
    return Case(body={"channel": "phone", "subject": "来电投诉", "kind": "complaint",
                      "nature": "logistics", "severity": "high", "body": "快递三天没动"},
                check=lambda data, staff: Ticket.objects.get(pk=data["id"]).severity == "high")


def reply_ticket() -> Case:
    ticket = _ticket()
    return Case(path={"ticket_id": ticket.pk}, body={"body": "亲，今天发出"}, target=ticket,
                check=lambda data, staff: _fresh(ticket).first_responded_at is not None
                and _fresh(ticket).assignee_id == staff.pk)


def add_note() -> Case:
    ticket = _ticket()
    return Case(path={"ticket_id": ticket.pk}, body={"body": "已催仓库"}, target=ticket,
                check=lambda data, staff: ticket.messages.filter(direction="note").count() == 1)


def assign_ticket() -> Case:
    ticket = _ticket()
    agent = factories.make_staff("service")
    return Case(path={"ticket_id": ticket.pk}, body={"agent_id": agent.pk}, target=ticket,
                check=lambda data, staff: _fresh(ticket).assignee_id == agent.pk)


def set_pending() -> Case:
    ticket = _ticket()
    return Case(path={"ticket_id": ticket.pk}, target=ticket,
                check=lambda data, staff: _fresh(ticket).status == "pending")


def resolve_ticket() -> Case:
    ticket = _ticket()
    return Case(path={"ticket_id": ticket.pk}, body={"note": "已发货"}, target=ticket,
                check=lambda data, staff: _fresh(ticket).status == "resolved"
                and "/rate/" in data["rating_link"])


def close_ticket() -> Case:
    ticket = _ticket()
    return Case(path={"ticket_id": ticket.pk}, body={}, target=ticket,
                check=lambda data, staff: _fresh(ticket).status == "closed")


def import_conversation() -> Case:
    customer = factories.make_customer()
    return Case(body={"channel": "chat", "external_id": "ww-1", "customer_code": customer.code,
                      "messages": [{"external_id": "a", "direction": "in", "body": "在吗",
                                    "sent_at": "2026-12-06T10:00:00+08:00"}]},
                check=lambda data, staff: Ticket.objects.get(external_id="ww-1").customer_id
                == customer.pk)


def inbound_mail() -> Case:
    message = EmailMessage()
    message["From"], message["Subject"] = "buyer@example.com", "发票"
    message["Message-ID"] = "<matrix@example.com>"
    message.set_content("请开发票")
    return Case(body={"raw": message.as_string()},
                check=lambda data, staff: TicketMessage.objects.get(
                    external_id="<matrix@example.com>").body == "请开发票")


def list_canned_replies() -> Case:
    ticket = _ticket()
    CannedReply.objects.create(title="问候", body="{nickname}您好")
    return Case(query={"ticket_id": ticket.pk},
                check=lambda data, staff: data[0]["rendered"] == f"{ticket.customer.nickname}您好")
