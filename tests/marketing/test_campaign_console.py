"""Console pages of campaigns: create a draft, prepare and send it as operations, the list
with ROI side by side, the overview with its preview, and the workbench to-dos."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.console.workbench_support import client_for, list_rows, shown_todos
from tests.marketing.campaign_factories import (
    make_campaign,
    make_contact,
    make_five_fold_template,
    make_segment,
)
from zhanggui.marketing import campaigns
from zhanggui.marketing.models import (
    Campaign,
    CampaignResult,
    ContactPolicy,
    Message,
    MessageStatus,
)

pytestmark = pytest.mark.django_db
LIST = "/marketing/campaign/"


@pytest.fixture(autouse=True)
def policy():
    return ContactPolicy.objects.create(quiet_start=time(0), quiet_end=time(0))


def test_an_operator_creates_prepares_and_sends_a_campaign_in_the_console():
    client = client_for("operator")
    customers = [make_contact(), make_contact()]
    segment = make_segment(customers)
    template = make_five_fold_template()
    now = timezone.localtime()
    response = client.post(f"{LIST}add/", {
        "name": "沉睡召回", "goal": "win_back",
        "starts_at_0": now.strftime("%Y-%m-%d"), "starts_at_1": now.strftime("%H:%M:%S"),
        "ends_at_0": (now + timedelta(days=7)).strftime("%Y-%m-%d"), "ends_at_1": "10:00:00",
        "budget_amount": "100.00", "fixed_cost_amount": "0.00", "segment": segment.pk,
        "coupon_template": template.pk, "channels": ["email"], "subject": "{nickname} 回来看看",
        "body": "送你 {coupon_value} 券 {coupon_code}"})
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.created_by == client.staff

    page = client.get(f"{LIST}{campaign.pk}/change/").content.decode()
    assert "campaign-overview" in page and "campaign-preview-email" in page

    assert client.post(f"{LIST}{campaign.pk}/prepare/").status_code == 302
    assert client.post(f"{LIST}{campaign.pk}/send/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.recipients.count() == 2
    assert Message.objects.filter(campaign=campaign).count() == 2
    page = client.get(f"{LIST}{campaign.pk}/change/").content.decode()
    coupon = campaign.recipients.order_by("id").first().coupon
    assert coupon.code in page  # the preview is rendered for a real recipient
    assert "邮件" in page and '["email"]' not in page  # channels by name, not as JSON


def test_the_analyst_cannot_send_and_nothing_is_queued():
    campaign = make_campaign(make_segment([make_contact()]))
    campaigns.prepare_campaign(campaign, actor=None)
    client = client_for("analyst")
    assert client.post(f"{LIST}{campaign.pk}/send/").status_code == 403
    assert not Message.objects.exists()


def test_a_refused_send_shows_why_and_queues_nothing():
    campaign = make_campaign(make_segment([make_contact()]), budget_amount=Decimal("1.00"),
                             fixed_cost_amount=Decimal("5.00"))
    campaigns.prepare_campaign(campaign, actor=None)
    client = client_for("operator")
    response = client.post(f"{LIST}{campaign.pk}/send/", follow=True)
    assert "budget" in response.content.decode() or "预算" in response.content.decode()
    assert not Message.objects.exists()


def test_the_list_shows_attributed_gmv_roi_and_gross_profit_roi_side_by_side():
    campaign = make_campaign(make_segment([make_contact()]))
    CampaignResult.objects.create(
        campaign=campaign, arm="", recipients=1, reached=1, converted=1, orders=1,
        gmv_amount=Decimal("250.00"), gross_profit_amount=Decimal("90.00"),
        discount_amount=Decimal("20.00"), cost_amount=Decimal("100.00"),
        computed_at=timezone.now())
    page = client_for("finance").get(LIST).content.decode()
    assert "250.00" in page and "2.50" in page and "0.90" in page
    detail = client_for("finance").get(f"{LIST}{campaign.pk}/change/").content.decode()
    assert 'data-field="roi">2.50<' in detail


def test_the_workbench_counts_campaigns_starting_today_and_failed_messages_as_listed():
    campaign = make_campaign(make_segment([make_contact()]), starts_at=timezone.now())
    campaigns.prepare_campaign(campaign, actor=None)
    later = make_campaign(make_segment([make_contact()]),
                          starts_at=timezone.now() + timedelta(days=2))
    campaigns.prepare_campaign(later, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    Message.objects.filter(campaign=campaign).update(status=MessageStatus.FAILED)

    client = client_for("operator")
    todos = {t.code: t for t in shown_todos(client.get("/").content.decode())}
    assert todos["campaigns_today"].count == 1
    assert list_rows(client, todos["campaigns_today"].url) == 1
    assert todos["campaign_messages_failed"].count == 1
    assert list_rows(client, todos["campaign_messages_failed"].url) == 1
