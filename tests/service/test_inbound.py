"""Tickets from outside: imported conversations (idempotent), inbound e-mail (parsed,
threaded, customer matched, quotes stripped) and the IMAP poller with a fake server."""

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail
from django.utils import timezone

from tests import factories
from zhanggui.customers.actions import create_customer
from zhanggui.service import actions, actions_messages, inbound, mail_rules, mailbox
from zhanggui.service.errors import InvalidConversation, InvalidMail, OrderNotCustomers
from zhanggui.service.inbound import ImportedMessage
from zhanggui.service.models import AutoReplyRule, Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def _messages(*rows):
    start = timezone.now() - timedelta(hours=1)
    return [ImportedMessage(external_id=eid, direction=direction, body=body,
                            sent_at=start + timedelta(minutes=minute), agent_username=agent)
            for eid, direction, body, minute, agent in rows]


def test_a_conversation_becomes_a_ticket_and_a_second_import_adds_only_new_messages():
    agent = factories.make_staff("service", username="kefu_a")
    customer = factories.make_customer()
    order = factories.make_order(customer=customer, status="paid")
    first = _messages(("m1", "in", "这件衣服有货吗", 0, ""), ("m2", "out", "有的亲", 2, "kefu_a"))
    result = inbound.import_conversation(channel="chat", external_id="conv-1", messages=first,
                                         customer_code=customer.code, order_number=order.number,
                                         actor=None)
    ticket = result.ticket
    assert result.created and result.added == 2
    assert (ticket.customer, ticket.order, ticket.opened_at) == (customer, order,
                                                                 first[0].sent_at)
    assert ticket.first_responded_at == first[1].sent_at
    assert ticket.assignee == agent  # the agent who answered claims it
    again = inbound.import_conversation(
        channel="chat", external_id="conv-1", actor=None,
        messages=[*first, *_messages(("m3", "in", "好的那我拍了", 5, ""))])
    assert (again.ticket.pk, again.created, again.added) == (ticket.pk, False, 1)
    assert ticket.messages.count() == 3
    assert inbound.import_conversation(channel="chat", external_id="conv-1", actor=None,
                                       messages=first).added == 0


def test_a_bad_conversation_imports_nothing():
    good = _messages(("m1", "in", "你好", 0, ""))
    cases = [
        {"channel": "email"},
        {"external_id": ""},
        {"messages": []},
        {"messages": _messages(("m1", "in", "你好", 0, ""), ("m1", "out", "在", 1, ""))},
        {"messages": _messages(("m1", "sideways", "你好", 0, ""))},
        {"messages": _messages(("m1", "out", "在", 0, "nobody_here"))},
        {"customer_code": "NO-SUCH"},
        {"order_number": "NO-SUCH"},
    ]
    for case in cases:
        arguments = {"channel": "chat", "external_id": "conv-x", "messages": good, **case}
        with pytest.raises(InvalidConversation):
            inbound.import_conversation(actor=None, **arguments)
    other_order = factories.make_order(status="paid")
    with pytest.raises(OrderNotCustomers):
        inbound.import_conversation(channel="chat", external_id="conv-x", messages=good,
                                    actor=None, customer_code=factories.make_customer().code,
                                    order_number=other_order.number)
    assert not Ticket.objects.exists() and not TicketMessage.objects.exists()


def _mail(*, sender="Buyer <Buyer@Example.com>", subject="发票问题", body="请问能开发票吗？",
          message_id="<m1@example.com>", in_reply_to="", html=False) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "kefu@shop.cn", subject
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 07 Dec 2026 10:00:00 +0800"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if html:
        message.set_content("纯文本版本")
        message.add_alternative(f"<p>{body}</p>", subtype="html")
    else:
        message.set_content(body)
    return message.as_bytes()


def test_parsing_reads_the_sender_threading_headers_and_strips_quotes():
    raw = _mail(subject="Re: [TK-20261207-0003] 发票问题", in_reply_to="<ours@zhanggui>",
                body="好的，谢谢\n\n在 2026年12月7日 周一 10:00，客服 写道：\n> 可以开\n> 请提供抬头")
    parsed = mail_rules.parse_mail(raw)
    assert parsed.from_address == "buyer@example.com" and parsed.from_name == "Buyer"
    assert parsed.ticket_number == "TK-20261207-0003"
    assert parsed.thread_ids == ["<ours@zhanggui>"]
    assert parsed.body == "好的，谢谢"
    assert mail_rules.clean_subject(parsed.subject) == "发票问题"
    assert mail_rules.strip_quoted("ok\nOn Mon, Dec 7, 2026 Shop wrote:\n> x") == "ok"
    assert mail_rules.strip_quoted("a\n> quoted\nb\n-- \nsignature") == "a\nb"
    with pytest.raises(mail_rules.MailParseError):
        mail_rules.parse_mail(b"Subject: hi\n\nno sender")


def test_a_new_mail_opens_an_email_ticket_for_the_customer_with_that_address():
    factories.make_customer()  # another customer, without an e-mail
    create_customer("C-MAIL-0", actor=None, email="someone@example.com")
    customer = create_customer("C-MAIL", actor=None, nickname="邮件买家",
                               email="Buyer@Example.com")
    ticket, new = inbound.receive_mail(_mail(), actor=None)
    assert new and ticket.channel == "email" and ticket.customer == customer
    assert ticket.contact == "buyer@example.com" and ticket.subject == "发票问题"
    message = ticket.messages.get()
    assert (message.body, message.external_id) == ("请问能开发票吗？", "<m1@example.com>")
    # the same mail again (a relay retrying) changes nothing
    assert inbound.receive_mail(_mail(), actor=None) == (ticket, False)
    assert TicketMessage.objects.count() == 1


def test_an_answer_to_our_reply_threads_onto_the_ticket_and_reopens_it(
        django_capture_on_commit_callbacks):
    agent = factories.make_staff("service")
    ticket, _new = inbound.receive_mail(_mail(), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        reply = actions_messages.reply_ticket(ticket, body="可以，请提供抬头", actor=agent)
    assert mail.outbox[-1].extra_headers["In-Reply-To"] == "<m1@example.com>"
    actions.resolve_ticket(ticket, actor=agent)
    answer = _mail(subject=f"Re: [{ticket.number}] 发票问题", message_id="<m2@example.com>",
                   in_reply_to=reply.external_id, body="抬头是某某公司\n\n> 可以，请提供抬头")
    threaded, new = inbound.receive_mail(answer, actor=None)
    assert new and threaded.pk == ticket.pk and threaded.status == "open"
    assert threaded.messages.filter(direction="in").last().body == "抬头是某某公司"
    assert Ticket.objects.count() == 1


def test_the_subject_tag_threads_only_mail_from_the_tickets_contact():
    ticket, _new = inbound.receive_mail(_mail(), actor=None)
    same = _mail(subject=f"Re: [{ticket.number}] 发票", message_id="<m3@example.com>",
                 body="补充一下")
    assert inbound.receive_mail(same, actor=None)[0].pk == ticket.pk
    stranger = _mail(sender="x@evil.example", subject=f"[{ticket.number}] 发票",
                     message_id="<m4@example.com>", body="我也要")
    other, _new = inbound.receive_mail(stranger, actor=None)
    assert other.pk != ticket.pk and other.contact == "x@evil.example"


def test_an_html_only_or_empty_mail():
    ticket, _new = inbound.receive_mail(_mail(html=True, body="网页正文"), actor=None)
    assert ticket.messages.get().body == "纯文本版本"  # the plain part is preferred
    with pytest.raises(InvalidMail):
        inbound.receive_mail(b"From: nobody\n\n", actor=None)


def test_an_inbound_mail_can_get_an_auto_reply_by_mail(django_capture_on_commit_callbacks):
    AutoReplyRule.objects.create(name="发票", keywords=["发票"], reply="发票请在订单页申请",
                                 channels=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _new = inbound.receive_mail(_mail(), actor=None)
    auto = ticket.messages.get(direction="out")
    assert auto.is_auto_reply and mail.outbox[-1].body == "发票请在订单页申请"
    assert Ticket.objects.get(pk=ticket.pk).first_responded_at is None


class FakeImap:
    """The network side of ``imaplib.IMAP4``: a folder of messages with flags."""

    def __init__(self, messages: dict[bytes, bytes]):
        self.messages, self.seen, self.logged_out, self.selected = messages, set(), False, None

    def select(self, folder):
        self.selected = folder
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        if command == "SEARCH":
            unseen = [uid for uid in self.messages if uid not in self.seen]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid = args[0]
            return "OK", [(uid + b" (UID " + uid + b" BODY[] {n}", self.messages[uid]), b")"]
        if command == "STORE":
            self.seen.add(args[0])
            return "OK", [b""]
        raise AssertionError(command)

    def logout(self):
        self.logged_out = True
        return "BYE", [b""]


def test_the_poller_files_unseen_mail_marks_it_seen_and_leaves_bad_mail_unseen(settings):
    settings.ZHANGGUI_IMAP_FOLDER = "Support"
    server = FakeImap({b"1": _mail(), b"2": b"Subject: none\n\nno sender",
                       b"3": _mail(message_id="<m9@example.com>", sender="b@example.com")})
    result = mailbox.poll_mailbox(lambda: server)
    assert (result.fetched, result.failed) == (2, 1)
    assert server.seen == {b"1", b"3"} and server.logged_out and server.selected == "Support"
    assert Ticket.objects.count() == 2
    again = mailbox.poll_mailbox(lambda: server)
    assert (again.fetched, again.failed) == (0, 1) and Ticket.objects.count() == 2


def test_the_poller_needs_a_configured_host(settings):
    settings.ZHANGGUI_IMAP_HOST = ""
    assert not mailbox.is_configured()
    from zhanggui.service.errors import MailboxNotConfigured
    from zhanggui.service.tasks import poll_mailbox_task

    with pytest.raises(MailboxNotConfigured):
        mailbox.poll_mailbox()
    assert poll_mailbox_task.delay().get() == {"configured": False}


def test_the_poll_mailbox_command_files_mail_and_reports(settings, monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.ZHANGGUI_IMAP_HOST = ""
    with pytest.raises(CommandError):
        call_command("poll_mailbox")
    settings.ZHANGGUI_IMAP_HOST = "imap.example.com"
    server = FakeImap({b"7": _mail()})
    monkeypatch.setattr(mailbox, "connect", lambda: server)
    out = StringIO()
    call_command("poll_mailbox", stdout=out)
    ticket = Ticket.objects.get()
    assert f"filed 1, failed 0; tickets: {ticket.number}" in out.getvalue()
