"""Setups of the permission matrix's rows for A/B tests (``/api/v1/marketing/experiments``)."""

import itertools

from tests.api.case import Case
from tests.marketing import campaign_factories
from tests.marketing.experiment_factories import (
    make_campaign_experiment,
    make_customers,
    make_population,
    make_promotion_experiment,
)
from zhanggui.analytics import warehouse
from zhanggui.marketing import experiments
from zhanggui.marketing.models_experiments import Experiment

_seq = itertools.count(1)


def list_experiments() -> Case:
    experiment = make_campaign_experiment()
    return Case(query={"status": "draft"},
                check=lambda data, staff: [e["id"] for e in data["items"]] == [experiment.pk])


def get_experiment() -> Case:
    experiment = make_campaign_experiment()
    return Case(path={"experiment_id": experiment.pk},
                check=lambda data, staff: data["planned_sample_size"]
                == experiment.planned_sample_size and len(data["arms"]) == 3
                and data["progress_percent"] == 0)


def create_experiment() -> Case:
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    code = f"api-{next(_seq)}"
    body = {"code": code, "name": "召回 A/B", "campaign_id": campaign.pk,
            "arms": [{"code": "a", "name": "五折", "share": "0.9"},
                     {"code": "holdout", "name": "对照", "share": "0.1", "is_holdout": True}]}
    return Case(body=body, check=lambda data, staff: Experiment.objects.get(
        pk=data["id"], code=code).created_by == staff and data["status"] == "draft")


def start_experiment() -> Case:
    experiment = make_campaign_experiment()
    return Case(path={"experiment_id": experiment.pk}, target=experiment,
                check=lambda data, staff: data["status"] == "running"
                and Experiment.objects.get(pk=experiment.pk).started_at is not None)


def stop_experiment() -> Case:
    experiment = make_campaign_experiment()
    experiments.start_experiment(experiment, actor=None)
    return Case(path={"experiment_id": experiment.pk}, target=experiment,
                check=lambda data, staff: data["status"] == "stopped"
                and Experiment.objects.get(pk=experiment.pk).stopped_at is not None)


def experiment_results() -> Case:
    experiment = make_promotion_experiment(make_population(make_customers(12)))
    experiments.start_experiment(experiment, actor=None)
    warehouse.rebuild()
    return Case(path={"experiment_id": experiment.pk},
                check=lambda data, staff: sum(a["recipients"] for a in data["arms"]) == 12
                and not data["may_conclude"] and data["warning"] != "")
