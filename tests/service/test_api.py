"""The service desk API: the agent's flow, filters, masks, errors as JSON with codes, and
403 with nothing changed for a role without the permission."""

from email.message import EmailMessage

import pytest

from tests import factories
from tests.api.support import ApiClient
from zhanggui.service.models import CannedReply, Ticket, TicketMessage

pytestmark = pytest.mark.django_db
API = "/api/v1/service"


@pytest.fixture
def agent_api():
    return ApiClient(factories.make_staff("service"))


def test_an_agent_opens_answers_with_a_canned_reply_and_closes_a_ticket(agent_api):
    customer = factories.make_customer()
    order = factories.make_order(customer=customer, status="paid")
    canned = CannedReply.objects.create(title="问候", body="{nickname}您好，订单{order_number}已收到")
    opened = agent_api.post(f"{API}/tickets", {
        "channel": "phone", "subject": "来电咨询发货", "body": "买家来电问发货时间",
        "customer_id": customer.pk, "order_id": order.pk, "contact": "13812345678"})
    assert opened.status_code == 201, opened.content
    ticket = opened.json()
    assert ticket["number"].startswith("TK-") and ticket["contact"] == "138****5678"
    assert ticket["is_masked"] and ticket["messages"][0]["direction"] == "in"
    listed = agent_api.get(f"{API}/canned-replies", ticket_id=ticket["id"]).json()
    assert listed[0]["rendered"] == f"{customer.nickname}您好，订单{order.number}已收到"
    reply = agent_api.post(f"{API}/tickets/{ticket['id']}/reply", {"canned_reply_id": canned.pk})
    assert reply.status_code == 201 and reply.json()["body"] == listed[0]["rendered"]
    note = agent_api.post(f"{API}/tickets/{ticket['id']}/notes", {"body": "已核实物流"})
    assert note.status_code == 201 and note.json()["direction"] == "note"
    closed = agent_api.post(f"{API}/tickets/{ticket['id']}/close", {})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert "/rate/" in closed.json()["rating_link"]
    mine = agent_api.get(f"{API}/tickets", assignee="me", status="closed").json()
    assert [t["id"] for t in mine["items"]] == [ticket["id"]]


def test_the_owner_sees_the_contact_in_full():
    owner = ApiClient(factories.make_staff("owner"))
    created = owner.post(f"{API}/tickets", {"channel": "email", "subject": "问题",
                                            "contact": "buyer@example.com"}).json()
    assert created["contact"] == "buyer@example.com" and not created["is_masked"]


def test_errors_are_json_with_a_code_and_change_nothing(agent_api):
    response = agent_api.post(f"{API}/tickets", {"channel": "chat", "subject": "投诉",
                                                 "kind": "complaint"})
    assert response.status_code == 422
    assert response.json()["code"] == "complaint_needs_nature_and_severity"
    ticket = agent_api.post(f"{API}/tickets", {"channel": "chat", "subject": "咨询"}).json()
    empty = agent_api.post(f"{API}/tickets/{ticket['id']}/reply", {"body": " "})
    assert empty.status_code == 422 and empty.json()["code"] == "empty_message"
    agent_api.post(f"{API}/tickets/{ticket['id']}/close", {})
    again = agent_api.post(f"{API}/tickets/{ticket['id']}/close", {})
    assert again.status_code == 409 and again.json()["code"] == "ticket_wrong_state"
    missing = agent_api.get(f"{API}/tickets/987654")
    assert missing.status_code == 404 and missing.json()["code"] == "ticket_not_found"
    assert TicketMessage.objects.filter(direction="out").count() == 0


def test_a_role_without_the_permission_gets_403_and_nothing_changes():
    warehouse = ApiClient(factories.make_staff("warehouse"))
    response = warehouse.post(f"{API}/tickets", {"channel": "chat", "subject": "x"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert warehouse.get(f"{API}/tickets").status_code == 403
    assert not Ticket.objects.exists()


def test_conversation_import_is_idempotent_over_the_api(agent_api):
    body = {"channel": "platform", "external_id": "tb-88", "contact": "tb_buyer",
            "messages": [{"external_id": "1", "direction": "in", "body": "在吗",
                          "sent_at": "2026-12-06T10:00:00+08:00"}]}
    first = agent_api.post(f"{API}/conversations", body)
    assert first.status_code == 201 and first.json()["added"] == 1
    body["messages"].append({"external_id": "2", "direction": "in", "body": "有人吗",
                             "sent_at": "2026-12-06T10:01:00+08:00"})
    second = agent_api.post(f"{API}/conversations", body)
    assert second.status_code == 200 and second.json()["added"] == 1
    assert second.json()["ticket"]["id"] == first.json()["ticket"]["id"]
    naive = {**body, "messages": [{**body["messages"][0], "external_id": "3",
                                   "sent_at": "2026-12-06T10:00:00"}]}
    assert agent_api.post(f"{API}/conversations", naive).status_code == 422
    assert TicketMessage.objects.count() == 2


def test_inbound_mail_files_a_raw_message(agent_api):
    message = EmailMessage()
    message["From"], message["Subject"] = "buyer@example.com", "退款进度"
    message["Message-ID"] = "<r1@example.com>"
    message.set_content("退款什么时候到账")
    response = agent_api.post(f"{API}/inbound-mail", {"raw": message.as_string()})
    assert response.status_code == 200 and response.json()["is_new_message"]
    assert response.json()["ticket"]["channel"] == "email"
    bad = agent_api.post(f"{API}/inbound-mail", {"raw": "no headers at all"})
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_mail"
    assert Ticket.objects.count() == 1


def test_filters_by_overdue_kind_and_channel(agent_api):
    agent_api.post(f"{API}/tickets", {"channel": "chat", "subject": "一"})
    agent_api.post(f"{API}/tickets", {"channel": "email", "subject": "二", "kind": "suggestion"})
    assert agent_api.get(f"{API}/tickets", channel="email").json()["count"] == 1
    assert agent_api.get(f"{API}/tickets", kind="suggestion").json()["count"] == 1
    assert agent_api.get(f"{API}/tickets", overdue="false").json()["count"] == 2
    Ticket.objects.update(first_response_due_at="2020-01-01T00:00:00Z")
    assert agent_api.get(f"{API}/tickets", overdue="true").json()["count"] == 2
