"""Schemas of the service desk API. A ticket's contact is personal data: masked
(``rules.mask_contact``) for callers without ``customers.view_personal_data``."""

from datetime import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from zhanggui.core.schemas import Id, Moment
from zhanggui.customers.rules import PERSONAL_DATA_PERMISSION
from zhanggui.service import rating, rules
from zhanggui.service.models import (
    ComplaintNature,
    TicketChannel,
    TicketKind,
    TicketSeverity,
    TicketStatus,
)


def _may_see_personal_data(context) -> bool:
    request = (context or {}).get("request")
    return bool(request and request.user.has_perm(PERSONAL_DATA_PERMISSION))


class TicketOut(Schema):
    id: int
    number: str
    channel: TicketChannel
    kind: TicketKind
    nature: str
    severity: TicketSeverity
    subject: str
    status: TicketStatus
    customer_id: int | None
    customer_code: str | None
    order_id: int | None
    order_number: str | None
    aftersales_request_id: int | None
    contact: str
    is_masked: bool = Field(description="true when the contact is masked for you")
    assignee_id: int | None
    assignee_name: str | None
    opened_at: datetime
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    resolution_due_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    escalated_at: datetime | None
    is_overdue: bool
    rating: int | None
    rating_comment: str
    rated_at: datetime | None

    @staticmethod
    def resolve_customer_code(obj) -> str | None:
        return obj.customer.code if obj.customer_id else None

    @staticmethod
    def resolve_order_number(obj) -> str | None:
        return obj.order.number if obj.order_id else None

    @staticmethod
    def resolve_assignee_name(obj) -> str | None:
        return str(obj.assignee) if obj.assignee_id else None

    @staticmethod
    def resolve_contact(obj, context) -> str:
        return obj.contact if _may_see_personal_data(context) else rules.mask_contact(
            obj.contact)

    @staticmethod
    def resolve_is_masked(obj, context) -> bool:
        return not _may_see_personal_data(context)

    @staticmethod
    def resolve_is_overdue(obj) -> bool:
        now = timezone.now()
        if obj.status not in (TicketStatus.OPEN, TicketStatus.PENDING):
            return False
        return bool((obj.first_responded_at is None and obj.first_response_due_at
                     and obj.first_response_due_at < now)
                    or (obj.resolved_at is None and obj.resolution_due_at
                        and obj.resolution_due_at < now))


class TicketMessageOut(Schema):
    id: int
    direction: Literal["in", "out", "note"]
    body: str
    author_id: int | None
    author_name: str | None
    is_auto_reply: bool
    canned_reply_id: int | None
    external_id: str
    sent_at: datetime

    @staticmethod
    def resolve_author_name(obj) -> str | None:
        return str(obj.author) if obj.author_id else None


class TicketDetailOut(TicketOut):
    messages: list[TicketMessageOut]
    rating_link: str | None = Field(
        description="the customer's rating link to paste into a chat, once the ticket is "
                    "resolved or closed and not yet rated")

    @staticmethod
    def resolve_messages(obj) -> list:
        return list(obj.messages.select_related("author").order_by("sent_at", "pk"))

    @staticmethod
    def resolve_rating_link(obj) -> str | None:
        if obj.rating is None and obj.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            return rating.rating_url(obj)
        return None


class TicketFilter(Schema):
    status: TicketStatus | None = None
    kind: TicketKind | None = None
    channel: TicketChannel | None = None
    assignee: Literal["me"] | None = Field(None, description="me: the tickets assigned to you")
    overdue: bool | None = Field(None, description="past the first-reply or resolution clock")
    customer_id: Id | None = None


class TicketIn(Schema):
    channel: TicketChannel
    subject: str = Field(min_length=1, max_length=200)
    kind: TicketKind = TicketKind.INQUIRY
    body: str = Field("", max_length=10000, description="the customer's first message")
    nature: ComplaintNature | Literal[""] = ""
    severity: TicketSeverity | Literal[""] = Field("", description="required for a complaint")
    contact: str = Field("", max_length=254)
    customer_id: Id | None = None
    order_id: Id | None = None
    aftersales_request_id: Id | None = None


class TicketReplyIn(Schema):
    body: str = Field("", max_length=10000,
                      description="the text; empty with a canned reply: its text, filled")
    canned_reply_id: Id | None = None


class TicketNoteIn(Schema):
    body: str = Field(min_length=1, max_length=10000)


class TicketAssignIn(Schema):
    agent_id: Id


class TicketDoneIn(Schema):
    note: str = Field("", max_length=255)


class ConversationMessageIn(Schema):
    external_id: str = Field(min_length=1, max_length=200)
    direction: Literal["in", "out"]
    body: str = Field(min_length=1, max_length=10000)
    sent_at: Moment
    agent: str = Field("", max_length=150, description="the answering agent's username")


class ConversationIn(Schema):
    channel: Literal["chat", "platform"]
    external_id: str = Field(min_length=1, max_length=200,
                             description="the conversation's id on the platform")
    customer_code: str = Field("", max_length=40)
    order_number: str = Field("", max_length=40)
    contact: str = Field("", max_length=254, description="the buyer's nickname on the platform")
    messages: list[ConversationMessageIn] = Field(min_length=1, max_length=1000)


class ConversationOut(Schema):
    ticket: TicketOut
    created: bool
    added: int


class InboundMailIn(Schema):
    raw: str = Field(min_length=1, max_length=2_000_000,
                     description="the whole RFC 822 message, headers and body")


class InboundMailOut(Schema):
    ticket: TicketOut
    is_new_message: bool


class CannedReplyOut(Schema):
    id: int
    title: str
    body: str
    kind: str
    is_active: bool
    used_count: int
    rendered: str | None = Field(None, description="the text filled for ticket_id, if given")
