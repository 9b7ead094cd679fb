"""Campaigns API (``/api/v1/marketing/campaigns…``): list, get, create, change a draft,
prepare, send, cancel, a campaign's messages; unsubscriptions recorded by staff. Thin:
``require_perm`` first, then one action or query."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id, Moment
from zhanggui.customers.queries import get_customer
from zhanggui.customers.queries_segments import get_segment
from zhanggui.marketing import campaigns
from zhanggui.marketing import queries_campaigns as queries
from zhanggui.marketing.models_campaigns import (
    CampaignGoal,
    CampaignStatus,
    MessageChannel,
    MessageStatus,
)
from zhanggui.marketing.unsubscribe import record_unsubscribe
from zhanggui.pricing.queries import get_coupon_template, get_promotion

router = Router()
COST = "catalog.view_cost"
AMOUNT = {"ge": 0, "le": Decimal("999999999999.99"), "max_digits": 14, "decimal_places": 2}


class ResultOut(Schema):
    arm: str
    recipients: int
    reached: int
    converted: int
    orders: int
    gmv_amount: Decimal
    gross_profit_amount: Decimal | None = Field(
        description="null without catalog.view_cost: gross profit tells the cost of goods")
    discount_amount: Decimal
    spend_amount: Decimal = Field(description="messages, fixed spend and discounts: the "
                                  "denominator of roi")
    computed_at: datetime

    @staticmethod
    def resolve_spend_amount(obj) -> Decimal:
        return obj.cost_amount

    @staticmethod
    def resolve_gross_profit_amount(obj, context) -> Decimal | None:
        return obj.gross_profit_amount if context["request"].user.has_perm(COST) else None


class CampaignOut(Schema):
    id: int
    code: str
    name: str
    goal: CampaignGoal
    status: CampaignStatus
    starts_at: datetime
    ends_at: datetime
    budget_amount: Decimal
    fixed_spend_amount: Decimal = Field(description="design, agency and other spend besides "
                                        "the messages and the discounts")
    segment_id: int
    segment_name: str
    audience_size: int = Field(description="the segment's members at its last evaluation")
    coupon_template_id: int | None
    promotion_id: int | None
    channels: list[MessageChannel]
    subject: str
    body: str
    prepared_at: datetime | None
    sent_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    created_by_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_fixed_spend_amount(obj) -> Decimal:
        return obj.fixed_cost_amount

    @staticmethod
    def resolve_segment_name(obj) -> str:
        return obj.segment.name

    @staticmethod
    def resolve_audience_size(obj) -> int:
        return obj.segment.member_count


class CampaignDetailOut(CampaignOut):
    recipients: dict[str, int] = Field(description="recipients by status")
    messages: dict[str, int] = Field(description="messages by status")
    skip_reasons: dict[str, int]
    results: list[ResultOut] = Field(description="arm '' is the whole campaign")

    @staticmethod
    def resolve_recipients(obj) -> dict[str, int]:
        return queries.recipients_by_status(obj)

    @staticmethod
    def resolve_messages(obj) -> dict[str, int]:
        return queries.messages_by_status(obj)

    @staticmethod
    def resolve_skip_reasons(obj) -> dict[str, int]:
        return queries.skip_reasons(obj)

    @staticmethod
    def resolve_results(obj) -> list:
        return list(queries.campaign_results(obj))


class CampaignFilter(Schema):
    status: CampaignStatus | None = None
    goal: CampaignGoal | None = None


class CampaignIn(Schema):
    name: str = Field(max_length=80)
    goal: CampaignGoal
    starts_at: Moment
    ends_at: Moment
    budget_amount: Decimal = Field(**AMOUNT)
    fixed_spend_amount: Decimal = Field(Decimal("0"), **AMOUNT)
    segment_id: Id
    coupon_template_id: Id | None = None
    promotion_id: Id | None = None
    channels: list[MessageChannel] = Field(min_length=1, max_length=3)
    subject: str = Field("", max_length=120)
    body: str = Field(max_length=2000)


class CampaignPatch(Schema):
    name: str | None = Field(None, max_length=80)
    goal: CampaignGoal | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    budget_amount: Decimal | None = Field(None, **AMOUNT)
    fixed_spend_amount: Decimal | None = Field(None, **AMOUNT)
    segment_id: Id | None = None
    coupon_template_id: Id | None = Field(None, description="null: no coupon")
    promotion_id: Id | None = Field(None, description="null: no promotion")
    channels: list[MessageChannel] | None = Field(None, min_length=1, max_length=3)
    subject: str | None = Field(None, max_length=120)
    body: str | None = Field(None, max_length=2000)


class PrepareOut(Schema):
    added: int
    held_out: int
    coupons_issued: int
    recipients: int


class SendOut(Schema):
    queued: int
    skipped: int
    reasons: dict[str, int]
    estimated_cost: Decimal


class CampaignCancelIn(Schema):
    reason: str = Field(min_length=1, max_length=200)


class MessageOut(Schema):
    id: int
    idempotency_key: str
    customer_id: int
    customer_code: str
    channel: MessageChannel
    status: MessageStatus
    send_after: datetime
    attempts: int
    last_error: str
    sent_at: datetime | None
    provider_id: str
    spend_amount: Decimal = Field(description="what sending it cost (the policy's price)")

    @staticmethod
    def resolve_spend_amount(obj) -> Decimal:
        return obj.cost_amount

    @staticmethod
    def resolve_customer_code(obj) -> str:
        return obj.customer.code


class MessageFilter(Schema):
    status: MessageStatus | None = None
    channel: MessageChannel | None = None


class UnsubscribeIn(Schema):
    customer_id: Id
    channel: MessageChannel | None = Field(None, description="empty: every channel")


class UnsubscribeOut(Schema):
    id: int
    customer_id: int
    channel: str
    source: str
    created_at: datetime


def _relations(data: dict) -> dict:
    """Ids of the payload turned into objects (a null offer id: no offer); the API's
    ``fixed_spend_amount`` is the campaign's ``fixed_cost_amount``."""
    if "fixed_spend_amount" in data:
        data["fixed_cost_amount"] = data.pop("fixed_spend_amount")
    if "segment_id" in data:
        data["segment"] = get_segment(data.pop("segment_id"))
    if "coupon_template_id" in data:
        template_id = data.pop("coupon_template_id")
        data["coupon_template"] = get_coupon_template(template_id) if template_id else None
    if "promotion_id" in data:
        promotion_id = data.pop("promotion_id")
        data["promotion"] = get_promotion(promotion_id) if promotion_id else None
    return data


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_campaigns(request, filters: Query[CampaignFilter]):
    """Campaigns, latest start first."""
    require_perm(request, "marketing.view_campaign")
    return queries.list_campaigns(**filters.model_dump())


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **ERRORS})
def get_campaign(request, campaign_id: Id):
    """A campaign with its recipients and messages by status and its results per arm."""
    require_perm(request, "marketing.view_campaign")
    return queries.get_campaign(campaign_id)


@router.post("/campaigns", response={201: CampaignDetailOut, **ERRORS})
def create_campaign(request, payload: CampaignIn):
    """A draft campaign; ``body`` may use {nickname}, {coupon_code}, {coupon_value},
    {valid_until}, {unsubscribe_url}, {recommended_products}."""
    require_perm(request, "marketing.add_campaign")
    campaign = campaigns.create_campaign(actor=request.user, **_relations(payload.model_dump()))
    return Status(201, queries.get_campaign(campaign.pk))


@router.patch("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **ERRORS})
def update_campaign(request, campaign_id: Id, payload: CampaignPatch):
    """Change a draft; an explicit null changes nothing except the offer ids (null: none)."""
    require_perm(request, "marketing.change_campaign")
    campaign = queries.get_campaign(campaign_id)
    changes = {name: value for name, value in payload.model_dump(exclude_unset=True).items()
               if value is not None or name in ("coupon_template_id", "promotion_id")}
    campaigns.update_campaign(campaign, actor=request.user, **_relations(changes))
    return queries.get_campaign(campaign_id)


@router.post("/campaigns/{campaign_id}/prepare", response={200: PrepareOut, **ERRORS})
def prepare_campaign(request, campaign_id: Id):
    """Freeze the audience and issue the coupons (again: only what is new)."""
    require_perm(request, "marketing.change_campaign")
    return campaigns.prepare_campaign(queries.get_campaign(campaign_id), actor=request.user)


@router.post("/campaigns/{campaign_id}/send", response={200: SendOut, **ERRORS})
def send_campaign(request, campaign_id: Id):
    """Queue the messages (again: only what is missing) and start delivering them."""
    require_perm(request, "marketing.send_campaign")
    return campaigns.send_campaign(queries.get_campaign(campaign_id), actor=request.user)


@router.post("/campaigns/{campaign_id}/cancel", response={200: CampaignDetailOut, **ERRORS})
def cancel_campaign(request, campaign_id: Id, payload: CampaignCancelIn):
    require_perm(request, "marketing.change_campaign")
    campaigns.cancel_campaign(queries.get_campaign(campaign_id), reason=payload.reason,
                              actor=request.user)
    return queries.get_campaign(campaign_id)


@router.get("/campaigns/{campaign_id}/messages", response={200: list[MessageOut], **ERRORS})
@paginate(BoundedPagination, page_size=100)
def list_campaign_messages(request, campaign_id: Id, filters: Query[MessageFilter]):
    """The campaign's outbox (the address is not stored: read from the customer)."""
    require_perm(request, "marketing.view_message")
    return queries.campaign_messages(queries.get_campaign(campaign_id), **filters.model_dump())


@router.post("/unsubscribes", response={201: UnsubscribeOut, **ERRORS})
def create_unsubscribe(request, payload: UnsubscribeIn):
    """A customer asked staff to stop marketing messages (one channel or all); their queued
    messages are cancelled. Recording it again answers the existing row."""
    require_perm(request, "marketing.add_unsubscribe")
    row = record_unsubscribe(get_customer(payload.customer_id), channel=payload.channel or "",
                             source="staff", actor=request.user)
    return Status(201, row)
