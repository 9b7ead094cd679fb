"""A/B-test API: bad input and wrong states get a clear error with a stable code and change
nothing; a promotion's test from creation to results."""

import pytest
from django.utils import translation

from tests.api.support import ApiClient, assert_error, staff_of
from tests.marketing import campaign_factories
from tests.marketing.experiment_factories import (
    make_campaign_experiment,
    make_customers,
    make_population,
)
from zhanggui.accounts.models import OperationLog
from zhanggui.analytics import warehouse
from zhanggui.marketing.models_experiments import Assignment, Experiment
from zhanggui.pricing import actions as pricing_actions

pytestmark = pytest.mark.django_db
URL = "/api/v1/marketing/experiments"

@pytest.fixture(autouse=True)
def _english():
    """The problems are matched in the source language (the shop's default is Chinese)."""
    with translation.override("en"):
        yield



def operator() -> ApiClient:
    return ApiClient(staff_of("operator"))


def body(campaign, **changes) -> dict:
    data = {"code": "ab-1", "name": "召回", "campaign_id": campaign.pk,
            "arms": [{"code": "a", "name": "五折", "share": "0.9"},
                     {"code": "holdout", "name": "对照", "share": "0.1", "is_holdout": True}]}
    data.update(changes)
    return data


def test_shares_not_adding_up_get_invalid_experiment_and_nothing_is_saved():
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    client = operator()
    logs = OperationLog.objects.count()
    response = client.post(URL, body(campaign, arms=[
        {"code": "a", "name": "A", "share": "0.5"}, {"code": "b", "name": "B", "share": "0.4"}]))
    assert_error(response, 422, "invalid_experiment")
    assert "0.9" in response.json()["message"]
    assert not Experiment.objects.exists() and OperationLog.objects.count() == logs


def test_one_arm_or_a_malformed_share_is_refused_by_the_schema():
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    one = operator().post(URL, body(campaign, arms=[{"code": "a", "name": "A", "share": "1"}]))
    assert one.status_code == 422
    bad = operator().post(URL, body(campaign, arms=[
        {"code": "a", "name": "A", "share": "1.5"}, {"code": "b", "name": "B", "share": "0.1"}]))
    assert bad.status_code == 422
    assert not Experiment.objects.exists()


def test_a_taken_code_and_a_wrong_state_get_409():
    experiment = make_campaign_experiment(code="ab-1")
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    assert_error(operator().post(URL, body(campaign)), 409, "experiment_code_taken")
    assert_error(operator().post(f"{URL}/{experiment.pk}/stop"), 409, "experiment_state")
    assert Experiment.objects.get(pk=experiment.pk).status == "draft"
    assert_error(operator().get(f"{URL}/987654"), 404, "experiment_not_found")


def test_results_before_the_warehouse_is_built_say_so():
    experiment = make_campaign_experiment()
    response = ApiClient(staff_of("analyst")).get(f"{URL}/{experiment.pk}/results")
    assert response.status_code == 409
    assert response.json()["code"] in ("warehouse_empty", "warehouse_outdated")


def test_a_promotion_test_from_creation_to_results():
    customers = make_customers(50)
    population = make_population(customers)
    promotion = pricing_actions.create_promotion("九折", kind="item_percent",
                                                 discount_rate="0.10", actor=None)
    client = operator()
    created = client.post(URL, {
        "code": "promo-ab", "name": "九折 A/B", "promotion_id": promotion.pk,
        "population_id": population.pk, "metric": "revenue",
        "arms": [{"code": "treated", "name": "九折", "share": "0.5"},
                 {"code": "holdout", "name": "对照", "share": "0.5", "is_holdout": True}]})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["planned_sample_size"] > 0 and data["progress_percent"] == 0
    started = client.post(f"{URL}/{data['id']}/start")
    assert started.status_code == 200 and started.json()["status"] == "running"
    assert sum(started.json()["assigned"].values()) == 50 == Assignment.objects.count()
    warehouse.rebuild()
    results = client.get(f"{URL}/{data['id']}/results").json()
    assert results["primary_test"] == "welch_t" and not results["may_conclude"]
    assert results["adjustment"] == "holm" and "样本不足" in results["warning"]  # the API speaks Chinese
    treated = next(a for a in results["arms"] if a["code"] == "treated")
    assert treated["revenue_vs_baseline"] is not None or treated["recipients"] < 2
