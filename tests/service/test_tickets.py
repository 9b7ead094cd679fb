"""Ticket actions: open (numbers, links, clocks, assignment), reply, notes, auto-replies,
canned replies, statuses, e-mail answers and the rating."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests import factories
from tests.service.support import always_open_policy, open_chat, shanghai
from zhanggui.accounts.models import OperationLog
from zhanggui.service import actions, actions_messages
from zhanggui.service.actions import TicketInput
from zhanggui.service.errors import (
    AlreadyRated,
    CannedReplyInactive,
    ComplaintNeedsClassification,
    EmptyMessage,
    InvalidAgent,
    InvalidRating,
    InvalidTicketData,
    OrderNotCustomers,
    RequestNotOrders,
    TicketState,
)
from zhanggui.service.models import (
    AssignmentRule,
    AutoReplyRule,
    CannedReply,
    ServicePolicy,
    Ticket,
    TicketMessage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return factories.make_staff("service")


def test_tickets_are_numbered_per_day_and_log_their_opening(agent):
    first, second = open_chat(actor=agent), open_chat(actor=agent)
    day = timezone.localdate()
    assert first.number == f"TK-{day:%Y%m%d}-0001"
    assert second.number == f"TK-{day:%Y%m%d}-0002"
    assert OperationLog.objects.filter(action="service.open", object_id=str(first.pk)).exists()
    assert first.messages.get().direction == "in"


def test_clocks_follow_the_policy_and_start_at_the_next_opening(agent):
    # the default desk: every day 09:00–23:00, first reply 3 minutes, resolution 24 hours
    ticket = open_chat(actor=agent, opened_at=shanghai("2026-12-07 23:30"))
    assert ticket.first_response_due_at == shanghai("2026-12-08 09:03")
    # 24 working hours of 14-hour days: 08th 09:00 + 14 h → 09th 09:00 + 10 h = 19:00
    assert ticket.resolution_due_at == shanghai("2026-12-09 19:00")


def test_a_complaint_needs_a_nature_and_a_severity(agent):
    with pytest.raises(ComplaintNeedsClassification):
        open_chat(actor=agent, kind="complaint", nature="product")
    with pytest.raises(ComplaintNeedsClassification):
        open_chat(actor=agent, kind="complaint", severity="high")
    ticket = open_chat(actor=agent, kind="complaint", nature="logistics", severity="high")
    assert (ticket.nature, ticket.severity) == ("logistics", "high")
    assert Ticket.objects.count() == 1


def test_bad_choices_are_refused_and_nothing_is_written(agent):
    for bad in ({"channel": "fax"}, {"kind": "praise"}, {"subject": " "},
                {"severity": "huge"}):
        with pytest.raises(InvalidTicketData):
            open_chat(actor=agent, **bad)
    assert not Ticket.objects.exists() and not TicketMessage.objects.exists()


def test_the_order_must_be_the_customers_and_the_request_the_orders(agent):
    customer, other = factories.make_customer(), factories.make_customer()
    order = factories.make_order(customer=customer, status="delivered")
    other_order = factories.make_order(customer=other, status="delivered")
    request = factories.make_received_return(other_order)
    with pytest.raises(OrderNotCustomers):
        open_chat(actor=agent, customer=other, order=order)
    with pytest.raises(RequestNotOrders):
        open_chat(actor=agent, order=order, aftersales_request=request)
    ticket = open_chat(actor=agent, aftersales_request=request)
    assert (ticket.order, ticket.customer) == (other_order, other)
    assert Ticket.objects.count() == 1


def test_the_first_matching_rule_gives_the_ticket_to_its_least_loaded_agent(agent):
    busy, free, idle = (factories.make_staff("service") for _ in range(3))
    complaints = AssignmentRule.objects.create(name="投诉", position=1, kind="complaint",
                                               min_severity="high")
    complaints.agents.set([busy, free])
    catch_all = AssignmentRule.objects.create(name="其他", position=2)
    catch_all.agents.set([idle])
    open_chat(actor=agent, kind="complaint", nature="product", severity="critical")
    first = Ticket.objects.get()
    assert first.assignee == busy  # both at 0: the lower id
    second = open_chat(actor=agent, kind="complaint", nature="product", severity="high")
    assert second.assignee == free
    assert open_chat(actor=agent, kind="complaint", nature="product",
                     severity="low").assignee == idle
    idle.is_active = False
    idle.save()
    assert open_chat(actor=agent).assignee is None  # the rule's only agent is inactive


def test_no_matching_rule_leaves_the_ticket_unassigned(agent):
    rule = AssignmentRule.objects.create(name="邮件", channel="email", keywords=["发票"])
    rule.agents.set([agent])
    assert open_chat(actor=agent, body="要发票").assignee is None


def test_the_first_staff_reply_sets_the_first_response_and_claims_the_ticket(agent):
    ticket = open_chat(actor=agent)
    message = actions_messages.reply_ticket(ticket, body="在的，请问有什么可以帮您", actor=agent)
    ticket.refresh_from_db()
    assert ticket.first_responded_at == message.sent_at
    assert ticket.assignee == agent
    later = actions_messages.reply_ticket(ticket, body="还在吗", actor=agent)
    ticket.refresh_from_db()
    assert ticket.first_responded_at == message.sent_at < later.sent_at


def test_an_auto_reply_answers_at_once_but_is_no_staff_response(agent):
    AutoReplyRule.objects.create(name="发货", keywords=["发货"], reply="{nickname}您好，48小时内发货",
                                 position=1)
    AutoReplyRule.objects.create(name="电话不回", keywords=["发货"], reply="x", channels=["email"],
                                 position=0)
    customer = factories.make_customer()
    ticket = open_chat(actor=agent, body="请问什么时候发货？", customer=customer)
    auto = ticket.messages.get(direction="out")
    assert auto.is_auto_reply and auto.body == f"{customer.nickname}您好，48小时内发货"
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    phone = actions.open_ticket(TicketInput(channel="phone", subject="电话", body="什么时候发货"),
                                actor=agent)
    assert not phone.messages.filter(direction="out").exists()


def test_a_canned_reply_fills_its_variables_and_counts_its_use(agent):
    customer = factories.make_customer()
    order = factories.make_order(customer=customer, status="shipped")
    tracking = order.shipments.exclude(tracking_number="").first()
    canned = CannedReply.objects.create(
        title="发货", body="{nickname}您好，订单{order_number}{order_status}，运单{tracking_number}。"
                         "——{agent}")
    ticket = open_chat(actor=agent, customer=customer, order=order)
    message = actions_messages.reply_ticket(ticket, actor=agent, canned_reply=canned)
    assert message.body == (f"{customer.nickname}您好，订单{order.number}"
                            f"{order.get_status_display()}，运单"
                            f"{tracking.tracking_number if tracking else ''}。——service")
    assert "{" not in message.body
    canned.refresh_from_db()
    assert canned.used_count == 1 and message.canned_reply == canned
    edited = actions_messages.reply_ticket(ticket, body="改过的话", actor=agent,
                                           canned_reply=canned)
    assert edited.body == "改过的话"
    canned.refresh_from_db()
    assert canned.used_count == 2


def test_an_inactive_canned_reply_and_an_empty_reply_are_refused(agent):
    ticket = open_chat(actor=agent)
    canned = CannedReply.objects.create(title="旧", body="旧话术", is_active=False)
    with pytest.raises(CannedReplyInactive):
        actions_messages.reply_ticket(ticket, actor=agent, canned_reply=canned)
    with pytest.raises(EmptyMessage):
        actions_messages.reply_ticket(ticket, body="  ", actor=agent)
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None and ticket.messages.count() == 1


def test_a_note_is_internal_and_no_response(agent):
    ticket = open_chat(actor=agent)
    actions_messages.add_note(ticket, body="买家情绪激动", actor=agent)
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.messages.filter(direction="note").count() == 1


def test_statuses_move_and_refuse_what_does_not_fit(agent):
    ticket = open_chat(actor=agent)
    actions.set_pending(ticket, actor=agent)
    with pytest.raises(TicketState):
        actions.set_pending(ticket, actor=agent)
    actions_messages.add_inbound_message(ticket, body="我回来了", actor=None)
    ticket.refresh_from_db()
    assert ticket.status == "open"
    actions.resolve_ticket(ticket, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.resolved_at is not None
    actions.close_ticket(ticket, actor=agent)
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.closed_at >= ticket.resolved_at
    for refused in (lambda: actions.close_ticket(ticket, actor=agent),
                    lambda: actions.resolve_ticket(ticket, actor=agent),
                    lambda: actions_messages.reply_ticket(ticket, body="hi", actor=agent),
                    lambda: actions.assign_ticket(ticket, agent=agent, actor=agent)):
        with pytest.raises(TicketState):
            refused()


def test_a_new_message_after_resolve_reopens_the_ticket(agent):
    ticket = open_chat(actor=agent)
    actions.resolve_ticket(ticket, actor=agent)
    actions_messages.add_inbound_message(ticket, body="还是没收到货", actor=None)
    ticket.refresh_from_db()
    assert ticket.status == "open" and ticket.resolved_at is None
    assert OperationLog.objects.filter(action="service.reopen", object_id=str(ticket.pk)).exists()


def test_assign_needs_an_active_agent_who_may_answer(agent):
    ticket = open_chat(actor=agent)
    warehouse = factories.make_staff("warehouse")
    with pytest.raises(InvalidAgent):
        actions.assign_ticket(ticket, agent=warehouse, actor=agent)
    other = factories.make_staff("service")
    actions.assign_ticket(ticket, agent=other, actor=agent)
    ticket.refresh_from_db()
    assert ticket.assignee == other
    assert OperationLog.objects.filter(action="service.assign").count() == 1


def test_a_rating_is_given_once_after_the_ticket_is_done(agent):
    ticket = open_chat(actor=agent)
    with pytest.raises(TicketState):
        actions.rate_ticket(ticket, rating_value=5)
    actions.close_ticket(ticket, actor=agent)
    for bad in (0, 6, True, "5"):
        with pytest.raises(InvalidRating):
            actions.rate_ticket(ticket, rating_value=bad)
    actions.rate_ticket(ticket, rating_value=4, comment="回复很快")
    with pytest.raises(AlreadyRated):
        actions.rate_ticket(ticket, rating_value=1)
    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "回复很快") and ticket.rated_at


def test_an_email_ticket_is_answered_by_email_with_the_rating_link_after_resolve(
        agent, django_capture_on_commit_callbacks, settings):
    settings.ZHANGGUI_PUBLIC_URL = "https://shop.example"
    ticket = actions.open_ticket(TicketInput(channel="email", subject="发票", body="能开发票吗",
                                             contact="buyer@example.com"), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        message = actions_messages.reply_ticket(ticket, body="可以开，请提供抬头", actor=agent)
    sent = mail.outbox[-1]
    assert sent.to == ["buyer@example.com"] and f"[{ticket.number}]" in sent.subject
    assert sent.body == "可以开，请提供抬头"
    assert sent.extra_headers["Message-ID"] == message.external_id
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve_ticket(ticket, actor=agent)
    assert "https://shop.example/rate/" in mail.outbox[-1].body
    count = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_ticket(ticket, actor=agent)
    assert len(mail.outbox) == count  # the link is not sent twice


def test_a_chat_ticket_sends_no_mail(agent, django_capture_on_commit_callbacks):
    ticket = open_chat(actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        actions_messages.reply_ticket(ticket, body="您好", actor=agent)
        actions.resolve_ticket(ticket, actor=agent)
    assert mail.outbox == []


def test_a_policy_change_moves_only_new_clocks(agent):
    always_open_policy(first_response_minutes=10)
    start = timezone.now() - timedelta(hours=1)
    ticket = open_chat(actor=agent, opened_at=start)
    assert ticket.first_response_due_at == start + timedelta(minutes=10)
    assert ServicePolicy.objects.count() == 1
