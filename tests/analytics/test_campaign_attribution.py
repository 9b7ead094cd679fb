"""Campaign results computed on top of the warehouse and stored in ``CampaignResult`` by the
after-refresh job; the recipients' outcomes for A/B tests — over ``campaign_store``."""

from datetime import datetime
from decimal import Decimal

import pytest

from tests.analytics.campaign_store import at, build_campaigns
from zhanggui.analytics import actions, after_refresh, campaign_attribution, warehouse
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.marketing import rules
from zhanggui.marketing.models_campaigns import CampaignResult, ContactPolicy, Message


@pytest.fixture
def store(db, warehouse_dir):
    return build_campaigns()


def _results() -> dict:
    return {(r.campaign.code, r.arm): r for r in CampaignResult.objects.select_related("campaign")}


def test_the_job_is_registered_to_run_after_each_refresh():
    assert (after_refresh.JOBS["analytics.campaign_results"]
            is campaign_attribution.campaign_results_after_refresh)


def test_a_refresh_writes_the_campaign_results(store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.refresh_warehouse(actor=None)
    results = _results()
    assert set(results) == {("C1", ""), ("C1", "treat"), ("C1", "holdout"), ("C2", "")}  # no draft
    c1 = results[("C1", "")]
    assert (c1.recipients, c1.reached, c1.converted, c1.orders) == (4, 2, 2, 2)
    assert (c1.gmv_amount, c1.gross_profit_amount, c1.discount_amount, c1.cost_amount) == (
        Decimal("190.00"), Decimal("110.00"), Decimal("10.00"), Decimal("40.10"))
    assert rules.roi(c1.gmv_amount, c1.cost_amount) == Decimal("4.74")
    assert rules.gross_profit_roi(c1.gross_profit_amount, c1.cost_amount) == Decimal("2.74")
    holdout = results[("C1", "holdout")]
    assert (holdout.recipients, holdout.reached, holdout.orders, holdout.cost_amount) == (
        1, 0, 0, Decimal("0.00"))
    treat = results[("C1", "treat")]
    assert (treat.recipients, treat.cost_amount) == (3, Decimal("40.10"))
    c2 = results[("C2", "")]
    assert (c2.converted, c2.gmv_amount, c2.gross_profit_amount, c2.cost_amount) == (
        2, Decimal("200.00"), Decimal("90.00"), Decimal("20.00"))
    assert rules.roi(c2.gmv_amount, c2.cost_amount) == Decimal("10.00")


def test_the_results_follow_the_next_refresh(store):
    campaign_attribution.record_results()
    assert _results()[("C1", "")].orders == 2
    # The e-mail to customer 2 that was still queued goes out on 11-08 09:00: a new touch, read
    # by the next refresh (its send time is past the watermark), which brings O3 (11-09 10:00)
    # inside C1's window.
    Message.objects.filter(campaign=store["c1"], status="queued").update(
        status="sent", sent_at=at("2026-11-08 09:00"), cost_amount=Decimal("0.00"))
    warehouse.refresh()
    campaign_attribution.record_results()
    c1 = _results()[("C1", "")]
    assert (c1.orders, c1.converted, c1.gmv_amount) == (3, 2, Decimal("290.00"))


def test_the_attribution_window_is_the_contact_policys(store):
    ContactPolicy.objects.create(attribution_days=1)
    warehouse.refresh()
    campaign_attribution.record_results()
    results = _results()
    # O1 (11-03 12:00, 26 h after C1's SMS) and O8 fall out of C1; O2 (C2, 26 h) too; O7 too.
    assert results[("C1", "")].orders == 0 and results[("C2", "")].orders == 0


def test_nothing_is_recorded_before_the_first_refresh(db, warehouse_dir):
    assert campaign_attribution.record_results() == []
    with pytest.raises(WarehouseEmpty):
        campaign_attribution.recipient_outcomes(1)


def test_recipient_outcomes_measure_every_arm_from_its_touch(store):
    rows = campaign_attribution.recipient_outcomes(store["c1"].pk)
    by_customer = {row["customer_id"]: row for row in rows}
    one, two, three, four, _five = (c.pk for c in store["customers"])
    assert set(by_customer) == {one, two, three, four}
    # Customer 1: O1 (C1) and O2 (attributed to C2, still within C1's week): both count.
    assert by_customer[one] == {
        "customer_id": one, "arm": "treat", "status": "sent",
        "touched_at": datetime(2026, 11, 2, 10, 0), "converted": True, "orders": 2,
        "revenue": Decimal("190.00"), "gross_profit": Decimal("110.00")}
    assert (by_customer[two]["orders"], by_customer[two]["revenue"]) == (1, Decimal("100.00"))
    holdout = by_customer[three]
    assert (holdout["arm"], holdout["status"], holdout["converted"], holdout["revenue"]) == (
        "holdout", "held_out", True, Decimal("100.00"))
    assert holdout["touched_at"] == datetime(2026, 11, 2, 10, 0)  # the campaign's send time
    assert by_customer[four]["converted"] is False and by_customer[four]["revenue"] == Decimal("0.00")


def test_outcomes_of_an_unknown_campaign_are_empty(store):
    assert campaign_attribution.recipient_outcomes(999_999) == []
