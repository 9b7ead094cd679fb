"""Setups of the permission matrix's rows for campaigns (``/api/v1/marketing/campaigns…``,
``/api/v1/marketing/unsubscribes``)."""

from decimal import Decimal

from django.utils import timezone

from tests.api.case import Case
from tests.marketing.campaign_factories import (
    campaign_fields,
    make_campaign,
    make_contact,
    make_five_fold_template,
    make_segment,
)
from zhanggui.marketing import campaigns
from zhanggui.marketing import results as marketing_results
from zhanggui.marketing.models import Campaign, Message, Unsubscribe


def _prepared() -> Campaign:
    campaign = make_campaign(make_segment([make_contact()]))
    campaigns.prepare_campaign(campaign, actor=None)
    return campaign


def list_campaigns() -> Case:
    campaign = make_campaign(make_segment([make_contact()]))
    return Case(query={"status": "draft"},
                check=lambda data, staff: [c["id"] for c in data["items"]] == [campaign.pk])


def get_campaign() -> Case:
    campaign = _prepared()
    marketing_results.record_campaign_results([{
        "campaign_id": campaign.pk, "arm": "", "recipients": 1, "reached": 1, "converted": 1,
        "orders": 1, "gmv_amount": Decimal("99.00"), "gross_profit_amount": Decimal("30.00"),
        "discount_amount": Decimal("49.50"), "cost_amount": Decimal("59.50")}],
        computed_at=timezone.now())
    return Case(path={"campaign_id": campaign.pk},
                check=lambda data, staff: data["recipients"] == {"pending": 1}
                and data["code"] == campaign.code and data["results"][0]["orders"] == 1)


def create_campaign() -> Case:
    segment = make_segment([make_contact()])
    fields = campaign_fields(segment)
    body = {**{k: v for k, v in fields.items() if k not in ("segment", "fixed_cost_amount")},
            "segment_id": segment.pk,
            "coupon_template_id": make_five_fold_template().pk,
            "starts_at": fields["starts_at"].isoformat(), "ends_at": fields["ends_at"].isoformat(),
            "budget_amount": str(fields["budget_amount"]),
            "fixed_spend_amount": str(fields["fixed_cost_amount"])}
    return Case(body=body, check=lambda data, staff: Campaign.objects.get(
        pk=data["id"]).created_by == staff and data["status"] == "draft"
        and data["fixed_spend_amount"] == "10.00")


def update_campaign() -> Case:
    campaign = make_campaign(make_segment([make_contact()]))
    return Case(path={"campaign_id": campaign.pk}, target=campaign, body={"name": "改名"},
                check=lambda data, staff: Campaign.objects.get(pk=campaign.pk).name == "改名")


def prepare_campaign() -> Case:
    campaign = make_campaign(make_segment([make_contact(), make_contact()]))
    return Case(path={"campaign_id": campaign.pk}, target=campaign,
                check=lambda data, staff: data["coupons_issued"] == 2
                and campaign.recipients.count() == 2)


def send_campaign() -> Case:
    campaign = _prepared()
    return Case(path={"campaign_id": campaign.pk}, target=campaign,
                check=lambda data, staff: data["queued"] == 1
                and Message.objects.filter(campaign=campaign).count() == 1)


def cancel_campaign() -> Case:
    campaign = _prepared()
    return Case(path={"campaign_id": campaign.pk}, target=campaign, body={"reason": "错发"},
                check=lambda data, staff: data["status"] == "cancelled"
                and Campaign.objects.get(pk=campaign.pk).cancel_reason == "错发")


def list_campaign_messages() -> Case:
    campaign = _prepared()
    campaigns.send_campaign(campaign, actor=None)
    return Case(path={"campaign_id": campaign.pk},
                check=lambda data, staff: len(data["items"]) == 1
                and data["items"][0]["channel"] == "email")


def create_unsubscribe() -> Case:
    customer = make_contact()
    return Case(body={"customer_id": customer.pk, "channel": "sms"},
                check=lambda data, staff: Unsubscribe.objects.get(
                    customer=customer).channel == "sms" and data["source"] == "staff")
