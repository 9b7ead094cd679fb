"""The demo's campaigns: past campaigns with recipients, coupons and sent messages, written
once."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.demo import campaigns_seed
from zhanggui.demo.campaigns_seed import seed_campaigns
from zhanggui.demo.context import Clock
from zhanggui.marketing.models import Campaign, ContactPolicy, Message, Recipient
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db


def test_the_demo_campaigns_were_sent_in_the_past_to_the_audience_of_their_day():
    now = timezone.now()
    dormant = factories.make_order(status="paid")
    Order.objects.filter(pk=dormant.pk).update(paid_at=now - timedelta(days=200))
    repeat = factories.make_customer()
    for days in (20, 40):
        order = factories.make_order(status="paid", customer=repeat)
        Order.objects.filter(pk=order.pk).update(paid_at=now - timedelta(days=days))
    clock = Clock(now=now, tz=ZoneInfo("Asia/Shanghai"))

    totals = seed_campaigns(clock, {})

    assert totals["campaigns"] == len(campaigns_seed.PLANS) and ContactPolicy.objects.count() == 1
    win_back = Campaign.objects.get(goal="win_back")
    assert win_back.status == "sent" and win_back.sent_at < now - timedelta(days=40)
    recipient = Recipient.objects.get(campaign=win_back)
    assert recipient.customer_id == dormant.customer_id and recipient.coupon is not None
    assert recipient.coupon.template.discount_rate == 50 / 100
    messages = Message.objects.filter(campaign=win_back)
    assert {m.channel for m in messages} == {"email", "sms"}
    assert all(m.status == "sent" and m.sent_at == win_back.sent_at for m in messages)
    membership = Campaign.objects.get(goal="membership")
    assert list(membership.recipients.values_list("customer_id", flat=True)) == [repeat.pk]
    assert seed_campaigns(clock, {})["campaigns"] == 0  # once
