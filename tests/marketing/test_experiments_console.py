"""Console pages of A/B tests: who sees them, the results page with its warning, and the
create/start/stop operations (refusals change nothing)."""

import pytest
from django.test import Client

from tests import factories
from tests.marketing import campaign_factories
from tests.marketing.experiment_factories import (
    make_campaign_experiment,
    make_customers,
    make_population,
    make_promotion_experiment,
)
from zhanggui.analytics import warehouse
from zhanggui.console.admin.experiments import parse_arms
from zhanggui.marketing import experiments
from zhanggui.marketing.models_experiments import Experiment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_of(role: str) -> Client:
    client = Client()
    client.force_login(factories.make_staff(role))
    return client


def test_the_list_and_page_open_for_marketing_readers_only():
    experiment = make_campaign_experiment()
    for role in ("operator", "finance", "analyst"):
        client = client_of(role)
        assert client.get("/marketing/experiment/").status_code == 200, role
        page = client.get(f"/marketing/experiment/{experiment.pk}/change/")
        assert page.status_code == 200 and experiment.code in page.content.decode()
    for role in ("service", "warehouse", "designer"):
        assert client_of(role).get("/marketing/experiment/").status_code == 403, role


def test_a_running_promotion_test_shows_progress_results_and_the_warning():
    customers = make_customers(30)
    experiment = make_promotion_experiment(make_population(customers))
    experiments.start_experiment(experiment, actor=None)
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 50)
    factories.make_order(sku=sku, customer=customers[0], status="paid")
    warehouse.rebuild()
    html = client_of("analyst").get(f"/marketing/experiment/{experiment.pk}/change/") \
        .content.decode()
    assert 'id="experiment-progress"' in html and 'role="progressbar"' in html
    assert 'id="experiment-warning"' in html  # far short of the planned sample
    assert 'id="experiment-results-table"' in html
    assert 'data-arm="treated"' in html and 'data-arm="holdout"' in html
    assert 'data-verdict=""' in html  # no verdict before the plan
    assert "Holm" in html or "霍尔姆" in html


def test_the_page_says_when_the_warehouse_is_not_built():
    experiment = make_promotion_experiment(make_population(make_customers(4)))
    experiments.start_experiment(experiment, actor=None)
    html = client_of("operator").get(f"/marketing/experiment/{experiment.pk}/change/") \
        .content.decode()
    assert 'id="experiment-results-problem"' in html


def test_operator_creates_a_test_through_the_form():
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    client = client_of("operator")
    assert client.get("/marketing/experiment/add/").status_code == 200
    response = client.post("/marketing/experiment/add/", {
        "code": "console-ab", "name": "召回券", "campaign": campaign.pk, "metric": "conversion",
        "alpha": "0.05", "power": "0.8", "baseline_rate": "0.05", "minimum_effect": "0.02",
        "arms": "a | 五折 | 0.9 |\nholdout | 对照组 | 0.1 | holdout"})
    assert response.status_code == 302
    experiment = Experiment.objects.get(code="console-ab")
    assert [a.code for a in experiment.arms.order_by("id")] == ["a", "holdout"]


def test_a_refused_create_shows_why_and_saves_nothing():
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    response = client_of("operator").post("/marketing/experiment/add/", {
        "code": "bad", "name": "x", "campaign": campaign.pk, "metric": "conversion",
        "alpha": "0.05", "power": "0.8", "baseline_rate": "0.05", "minimum_effect": "0.02",
        "arms": "a | A | 0.5 |\nb | B | 0.3 |"})
    assert response.status_code == 200
    assert not Experiment.objects.exists()
    assert client_of("analyst").get("/marketing/experiment/add/").status_code == 403


def test_start_and_stop_through_the_page_and_readers_cannot():
    experiment = make_campaign_experiment()
    assert client_of("analyst").post(f"/marketing/experiment/{experiment.pk}/start/") \
        .status_code == 403
    assert Experiment.objects.get(pk=experiment.pk).status == "draft"
    client = client_of("operator")
    assert client.post(f"/marketing/experiment/{experiment.pk}/start/").status_code == 302
    assert Experiment.objects.get(pk=experiment.pk).status == "running"
    assert client.post(f"/marketing/experiment/{experiment.pk}/stop/").status_code == 302
    assert Experiment.objects.get(pk=experiment.pk).status == "stopped"


def test_parse_arms_reads_lines_and_names_the_bad_one():
    arms = parse_arms("a | 五折 | 0.45 |\nb | 满减 | 0.45\nh | 对照 | 0.10 | holdout\n")
    assert [(a.code, str(a.share), a.is_holdout) for a in arms] == [
        ("a", "0.45", False), ("b", "0.45", False), ("h", "0.10", True)]
    from django import forms

    with pytest.raises(forms.ValidationError):
        parse_arms("a | 五折 | many |")
    with pytest.raises(forms.ValidationError):
        parse_arms("a | 五折 | 0.5 | 999999")
