"""Data schemas of the customer, ticket and campaign events: ids, codes and statuses only,
never a name, contact or message text."""

from datetime import datetime

from zhanggui.events.schemas_base import EventData


class CustomerCreatedData(EventData):
    customer_id: int
    code: str
    channel: str
    is_guest: bool
    created_at: datetime


class TicketOpenedData(EventData):
    ticket_id: int
    number: str
    channel: str
    kind: str
    nature: str
    severity: str
    status: str
    customer_id: int | None
    order_id: int | None
    aftersales_request_id: int | None
    assignee_id: int | None
    opened_at: datetime
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None


class CampaignSentData(EventData):
    """A campaign whose every message was delivered or given up (``messages_failed``)."""

    campaign_id: int
    code: str
    goal: str
    status: str
    channels: list[str]
    messages_sent: int
    messages_failed: int
    sent_at: datetime
