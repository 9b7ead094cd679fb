"""Recording campaign results (``marketing.results``) and the figures read from them
(``marketing.rules``): replace per campaign and arm, atomic, one log entry per run, bad input
refused with nothing changed."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.concurrency import run_in_threads
from zhanggui.accounts.models import OperationLog
from zhanggui.customers.models import Segment
from zhanggui.marketing import rules
from zhanggui.marketing.errors_results import InvalidCampaignResult
from zhanggui.marketing.models_campaigns import Campaign, CampaignResult
from zhanggui.marketing.results import CampaignFigures, record_campaign_results

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def campaigns(db):
    segment = Segment.objects.create(code="results-test", name="测试", kind="model")
    return [Campaign.objects.create(
        code=f"R{n}", name=f"活动{n}", goal="win_back", starts_at=NOW, ends_at=LATER,
        budget_amount=Decimal("0"), fixed_cost_amount=Decimal("0"), segment=segment, body="…")
        for n in (1, 2)]


def figures(campaign, arm="", **values) -> CampaignFigures:
    base = {"recipients": 10, "reached": 8, "converted": 2, "orders": 3,
            "gmv_amount": Decimal("300.00"), "gross_profit_amount": Decimal("120.00"),
            "discount_amount": Decimal("20.00"), "cost_amount": Decimal("50.00")}
    return CampaignFigures(campaign_id=campaign.pk, arm=arm, **{**base, **values})


def _stored() -> dict:
    return {(r.campaign_id, r.arm): (r.orders, r.gmv_amount, r.computed_at)
            for r in CampaignResult.objects.all()}


def test_results_are_written_per_campaign_and_arm_with_one_log_entry(campaigns):
    c1, c2 = campaigns
    written = record_campaign_results([figures(c1), figures(c1, "A"), figures(c1, "holdout", reached=0),
                                       figures(c2)], computed_at=NOW)
    assert [(r.campaign_id, r.arm) for r in written] == [(c1.pk, ""), (c1.pk, "A"), (c1.pk, "holdout"),
                                                         (c2.pk, "")]
    assert CampaignResult.objects.get(campaign=c1, arm="A").gmv_amount == Decimal("300.00")
    entries = OperationLog.objects.filter(action="marketing.record_campaign_results")
    assert entries.count() == 1 and entries.get().after["results"] == 4


def test_a_second_run_replaces_the_campaigns_it_names_and_keeps_the_others(campaigns):
    c1, c2 = campaigns
    record_campaign_results([figures(c1), figures(c1, "A"), figures(c2)], computed_at=NOW)
    kept = CampaignResult.objects.get(campaign=c1, arm="")
    record_campaign_results([figures(c1, orders=5, gmv_amount=Decimal("500.00"))], computed_at=LATER)
    stored = _stored()
    assert stored[(c1.pk, "")] == (5, Decimal("500.00"), LATER)
    assert (c1.pk, "A") not in stored  # the arm is gone from the campaign's results
    assert stored[(c2.pk, "")] == (3, Decimal("300.00"), NOW)  # not named: untouched
    assert CampaignResult.objects.get(campaign=c1, arm="").pk == kept.pk  # updated in place


def test_a_negative_gross_profit_is_allowed(campaigns):
    record_campaign_results([figures(campaigns[0], gross_profit_amount=Decimal("-12.50"))],
                            computed_at=NOW)
    assert CampaignResult.objects.get().gross_profit_amount == Decimal("-12.50")


@pytest.mark.parametrize("bad", [
    {"orders": -1}, {"reached": 11}, {"gmv_amount": Decimal("1.005")}, {"cost_amount": Decimal("-1.00")},
    {"discount_amount": Decimal("NaN")}, {"recipients": 1.5}, {"arm": "x" * 21},
])
def test_bad_figures_are_refused_and_nothing_changes(campaigns, bad):
    c1, c2 = campaigns
    record_campaign_results([figures(c1)], computed_at=NOW)
    before = _stored()
    with pytest.raises(InvalidCampaignResult) as error:
        record_campaign_results([figures(c2), figures(c1, **bad)], computed_at=LATER)
    assert error.value.code == "invalid_campaign_result"
    assert _stored() == before
    assert OperationLog.objects.filter(action="marketing.record_campaign_results").count() == 1


def test_an_unknown_campaign_a_repeated_arm_or_a_naive_time_is_refused(campaigns):
    c1, _c2 = campaigns
    with pytest.raises(InvalidCampaignResult):
        record_campaign_results([figures(c1), figures(c1)], computed_at=NOW)
    with pytest.raises(InvalidCampaignResult):
        record_campaign_results([{**figures(c1).__dict__, "campaign_id": 999_999}], computed_at=NOW)
    with pytest.raises(InvalidCampaignResult):
        record_campaign_results([figures(c1)], computed_at=datetime(2026, 11, 10))
    with pytest.raises(InvalidCampaignResult):
        record_campaign_results([{"campaign_id": c1.pk, "arm": ""}], computed_at=NOW)
    assert not CampaignResult.objects.exists()


def test_roi_and_rates_are_computed_on_read():
    assert rules.roi(Decimal("250.00"), Decimal("100.00")) == Decimal("2.50")
    assert rules.roi(Decimal("190.00"), Decimal("40.10")) == Decimal("4.74")
    assert rules.gross_profit_roi(Decimal("-10.00"), Decimal("40.00")) == Decimal("-0.25")
    assert rules.roi(Decimal("10.00"), Decimal("0")) is None
    assert rules.gross_profit_roi(Decimal("10.00"), Decimal("0.00")) is None
    assert rules.campaign_conversion_rate(1, 3) == Decimal("0.3333")
    assert rules.campaign_conversion_rate(0, 0) is None  # a holdout arm reaches nobody


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_concurrent_runs_replace_a_campaigns_results_one_after_the_other():
    segment = Segment.objects.create(code="results-race", name="测试", kind="model")
    campaign = Campaign.objects.create(
        code="RACE", name="并发", goal="win_back", starts_at=NOW, ends_at=LATER,
        budget_amount=Decimal("0"), fixed_cost_amount=Decimal("0"), segment=segment, body="…")

    results = run_in_threads(6, lambda index: record_campaign_results(
        [figures(campaign, orders=index), figures(campaign, f"arm{index % 2}")],
        computed_at=NOW + timedelta(minutes=index)))

    assert all(isinstance(result, list) and len(result) == 2 for result in results), results
    stored = list(CampaignResult.objects.filter(campaign=campaign))
    # Both rows come from the run that committed last: its arm, its time.
    assert {r.arm for r in stored} in ({"", "arm0"}, {"", "arm1"})
    assert len({r.computed_at for r in stored}) == 1
    assert OperationLog.objects.filter(action="marketing.record_campaign_results").count() == 6
