"""The campaigns API: errors are JSON with stable codes and change nothing."""

from datetime import time
from decimal import Decimal

import pytest

from tests import factories
from tests.api.support import ApiClient
from tests.marketing.campaign_factories import make_campaign, make_contact, make_segment
from zhanggui.marketing import campaigns
from zhanggui.marketing.models import Campaign, ContactPolicy, Message

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing/campaigns"


def test_a_prepared_campaign_cannot_be_patched_and_says_why():
    client = ApiClient(factories.make_staff("operator"))
    campaign = make_campaign(make_segment([make_contact()]))
    client.post(f"{URL}/{campaign.pk}/prepare")
    response = client.patch(f"{URL}/{campaign.pk}", {"name": "late change"})
    assert response.status_code == 409
    assert response.json()["code"] == "campaign_not_editable"
    assert Campaign.objects.get(pk=campaign.pk).name != "late change"


def test_a_send_over_budget_is_refused_with_its_code_and_queues_nothing():
    ContactPolicy.objects.create(sms_cost_amount=Decimal("1.00"), quiet_start=time(0),
                                 quiet_end=time(0))
    campaign = make_campaign(make_segment([make_contact(), make_contact()]), channels=["sms"],
                             budget_amount=Decimal("1.50"), fixed_cost_amount=Decimal("0"))
    campaigns.prepare_campaign(campaign, actor=None)
    response = ApiClient(factories.make_staff("operator")).post(f"{URL}/{campaign.pk}/send")
    assert response.status_code == 409
    assert response.json()["code"] == "campaign_over_budget"
    assert not Message.objects.exists()


def test_unknown_body_variables_are_a_clear_error():
    segment = make_segment([make_contact()])
    client = ApiClient(factories.make_staff("operator"))
    response = client.post(URL, {
        "name": "x", "goal": "win_back", "starts_at": "2031-01-01T10:00:00+08:00",
        "ends_at": "2031-01-08T10:00:00+08:00", "budget_amount": "10", "segment_id": segment.pk,
        "channels": ["email"], "body": "{nickname} {discount}"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_campaign"
    assert "discount" in response.json()["message"]
    assert not Campaign.objects.exists()


def test_the_detail_shows_recipients_and_messages_by_status():
    ContactPolicy.objects.create(quiet_start=time(0), quiet_end=time(0))
    campaign = make_campaign(make_segment([make_contact(), make_contact(email=False)]))
    campaigns.prepare_campaign(campaign, actor=None)
    campaigns.send_campaign(campaign, actor=None)
    data = ApiClient(factories.make_staff("analyst")).get(f"{URL}/{campaign.pk}").json()
    assert data["recipients"] == {"pending": 1, "skipped": 1}
    assert data["messages"] == {"queued": 1}
    assert data["skip_reasons"] == {"no_address": 1}
    assert data["audience_size"] == 0  # the segment was not evaluated by the warehouse
