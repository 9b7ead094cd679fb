"""Rows of the service desk for the console's page matrix (``tests/console/page_store``)."""

from zhanggui.service import actions, actions_desk, actions_messages
from zhanggui.service.actions import TicketInput
from zhanggui.service.queries import lock_policy


def service_desk_rows(owner, customer) -> None:
    canned = actions_desk.save_canned_reply(None, title="问候", body="{nickname}您好", actor=owner)
    actions_desk.save_auto_reply_rule(None, name="发货", keywords=["发货"], reply="48小时内发货",
                                      actor=owner)
    actions_desk.save_assignment_rule(None, name="全部", agents=[owner], actor=owner)
    lock_policy()
    ticket = actions.open_ticket(TicketInput(channel="chat", subject="咨询", body="在吗",
                                             customer=customer, contact="小王"), actor=owner)
    actions_messages.reply_ticket(ticket, actor=owner, canned_reply=canned)
    actions_messages.add_note(ticket, body="老客户", actor=owner)
    actions.close_ticket(ticket, actor=owner)
    actions.rate_ticket(ticket, rating_value=5)
