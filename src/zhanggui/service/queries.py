"""Reads of the service desk: the policy and its working hours, tickets and their lists,
agents' loads, the customer an e-mail address belongs to, and the workbench's counts."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhanggui.accounts.models import Staff
from zhanggui.core.singletons import lock_singleton, read_singleton
from zhanggui.customers.models import Customer
from zhanggui.service import rules
from zhanggui.service.errors import CannedReplyNotFound, TicketNotFound
from zhanggui.service.models import CannedReply, ServicePolicy, Ticket, TicketStatus

ACTIVE = (TicketStatus.OPEN, TicketStatus.PENDING)
ANSWER_PERMISSION = "service.reply_ticket"


def get_policy() -> ServicePolicy:
    """The desk's policy row, or the defaults (unsaved) before anyone changed them."""
    return read_singleton(ServicePolicy)


def lock_policy() -> ServicePolicy:
    """The policy row locked until the transaction ends (created with the defaults when
    missing): ticket numbers are given under it."""
    return lock_singleton(ServicePolicy)


def working_hours(policy: ServicePolicy | None = None) -> rules.WorkingHours:
    policy = policy or get_policy()
    return rules.WorkingHours(days=rules.parse_working_days(policy.working_days),
                              start=policy.working_start, end=policy.working_end,
                              tz=timezone.get_current_timezone())


def get_ticket(ticket_id: int) -> Ticket:
    """Raises: TicketNotFound."""
    ticket = (Ticket.objects.select_related("customer", "order", "aftersales_request",
                                            "assignee").filter(pk=ticket_id).first())
    if ticket is None:
        raise TicketNotFound(ticket=ticket_id)
    return ticket


def get_canned_reply(reply_id: int) -> CannedReply:
    """Raises: CannedReplyNotFound."""
    reply = CannedReply.objects.filter(pk=reply_id).first()
    if reply is None:
        raise CannedReplyNotFound(reply=reply_id)
    return reply


def overdue_condition(now: datetime) -> Q:
    """Active tickets past a clock: no staff reply by the first-reply due time, or not
    resolved by the resolution due time."""
    return Q(status__in=ACTIVE) & (
        Q(first_responded_at__isnull=True, first_response_due_at__lt=now)
        | Q(resolved_at__isnull=True, resolution_due_at__lt=now))


def first_reply_overdue_condition(now: datetime) -> Q:
    return Q(status__in=ACTIVE, first_responded_at__isnull=True, first_response_due_at__lt=now)


def list_tickets(*, status: str | None = None, kind: str | None = None,
                 channel: str | None = None, assignee: Staff | None = None,
                 overdue: bool | None = None, customer_id: int | None = None,
                 now: datetime | None = None) -> QuerySet[Ticket]:
    tickets = Ticket.objects.select_related("customer", "order", "assignee")
    if status:
        tickets = tickets.filter(status=status)
    if kind:
        tickets = tickets.filter(kind=kind)
    if channel:
        tickets = tickets.filter(channel=channel)
    if assignee is not None:
        tickets = tickets.filter(assignee=assignee)
    if customer_id:
        tickets = tickets.filter(customer_id=customer_id)
    if overdue is not None:
        condition = overdue_condition(now or timezone.now())
        tickets = tickets.filter(condition) if overdue else tickets.exclude(condition)
    return tickets


def agent_loads(agent_ids: list[int]) -> dict[int, int]:
    """Active agents among ``agent_ids`` → their open and pending tickets."""
    active = set(Staff.objects.filter(pk__in=agent_ids, is_active=True)
                 .values_list("pk", flat=True))
    loads = {agent_id: 0 for agent_id in active}
    counted = (Ticket.objects.filter(assignee_id__in=active, status__in=ACTIVE)
               .values("assignee_id").annotate(n=Count("pk")))
    for row in counted:
        loads[row["assignee_id"]] = row["n"]
    return loads


def find_customer_by_email(address: str) -> Customer | None:
    """The customer whose e-mail is ``address`` (case-insensitive), or None.

    Customers' e-mail addresses are encrypted and have no blind index (only phones do), so
    no query can compare them: this reads the customers that have an e-mail (non-empty is
    the one test the encrypted column allows), decrypting in batches of 500, and stops at the
    first match. The lowest id wins when several customers share an address.
    """
    wanted = (address or "").strip().lower()
    if not wanted:
        return None
    candidates = Customer.objects.exclude(email="").only("pk", "email").order_by("pk")
    for customer in candidates.iterator(chunk_size=500):
        if (customer.email or "").strip().lower() == wanted:
            return Customer.objects.get(pk=customer.pk)
    return None


def todo_counts(user: Staff, now: datetime) -> dict[str, int]:
    """The workbench's counts: my active tickets, first replies overdue, complaints open."""
    return Ticket.objects.aggregate(
        mine=Count("pk", filter=Q(assignee=user, status__in=ACTIVE)),
        first_reply_overdue=Count("pk", filter=first_reply_overdue_condition(now)),
        complaints_open=Count("pk", filter=Q(kind="complaint", status__in=ACTIVE)),
    )
