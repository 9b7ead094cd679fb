"""Test data of campaigns: an audience segment with members, a 5-fold coupon, a campaign."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from zhanggui.customers.actions import create_customer
from zhanggui.customers.models import Customer, Segment, SegmentMember
from zhanggui.marketing import campaigns
from zhanggui.pricing import actions as pricing_actions

_seq = itertools.count(1)


def make_contact(*, email: bool = True, phone: bool = True, guest: bool = False) -> Customer:
    n = next(_seq)
    customer = create_customer(f"MC{n:05d}", nickname=f"老客{n}", actor=None,
                               email=f"buyer{n}@example.com" if email else "",
                               phone=f"139{n:08d}" if phone else "")
    if guest:
        Customer.objects.filter(pk=customer.pk).update(is_guest=True)
        customer.refresh_from_db()
    return customer


def make_segment(customers, *, code: str | None = None, active: bool = True) -> Segment:
    segment = Segment.objects.create(code=code or f"seg-{next(_seq)}", name="沉睡客户",
                                     kind="model", definition={"match": "all", "conditions": [
                                         {"field": "lifecycle_stage", "op": "eq",
                                          "value": "dormant"}]}, is_active=active)
    add_members(segment, customers)
    return segment


def add_members(segment: Segment, customers) -> None:
    now = timezone.now()
    SegmentMember.objects.bulk_create([SegmentMember(segment=segment, customer=c, since=now)
                                       for c in customers])


def make_five_fold_template(**fields):
    fields.setdefault("valid_days", 14)
    fields.setdefault("discount_rate", Decimal("0.50"))
    return pricing_actions.create_coupon_template(
        fields.pop("name", f"五折回归券{next(_seq)}"), kind="percent", actor=None, **fields)


def campaign_fields(segment: Segment, **overrides) -> dict:
    now = timezone.now()
    fields = {
        "name": "沉睡客户召回", "goal": "win_back", "starts_at": now - timedelta(hours=1),
        "ends_at": now + timedelta(days=7), "budget_amount": Decimal("100.00"),
        "fixed_cost_amount": Decimal("10.00"), "segment": segment, "channels": ["email"],
        "subject": "{nickname}，好久不见", "body": "{nickname}，送你一张 {coupon_value} 券：{coupon_code}，"
        "{valid_until} 前有效。退订：{unsubscribe_url}",
    }
    fields.update(overrides)
    return fields


def make_campaign(segment: Segment, *, coupon: bool = True, **overrides):
    if coupon and "coupon_template" not in overrides:
        overrides["coupon_template"] = make_five_fold_template()
    if not coupon:
        overrides.setdefault("body", "{nickname}，新品上架。")
    return campaigns.create_campaign(actor=None, **campaign_fields(segment, **overrides))
