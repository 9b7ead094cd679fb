"""A/B-test assignment and state changes at the same time, on PostgreSQL."""

import pytest

from tests.concurrency import run_in_threads
from tests.marketing.experiment_factories import (
    make_campaign_experiment,
    make_customers,
    make_population,
    make_promotion_experiment,
)
from zhanggui.core.errors import DomainError
from zhanggui.marketing import experiments
from zhanggui.marketing.models_experiments import Assignment, Experiment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_arms_for_assign_each_customer_once_to_one_arm():
    customers = make_customers(300)
    experiment = make_campaign_experiment()
    ids = [c.pk for c in customers]
    # overlapping batches from several workers at once
    results = run_in_threads(6, lambda index: experiments.arms_for(
        experiment.campaign, ids[index * 40: index * 40 + 120]))
    assert all(isinstance(result, dict) for result in results), results
    assert Assignment.objects.filter(experiment=experiment).count() == len(set(ids[:320]))
    stored = dict(Assignment.objects.filter(experiment=experiment)
                  .values_list("customer_id", "arm__code"))
    for result in results:
        for cid, (arm, _holdout) in result.items():
            assert stored[cid] == arm
    assert Experiment.objects.get(pk=experiment.pk).status == "running"


def test_concurrent_starts_of_a_promotion_test_start_it_once():
    experiment = make_promotion_experiment(make_population(make_customers(40)))
    results = run_in_threads(4, lambda index: experiments.start_experiment(experiment, actor=None))
    assert sum(isinstance(result, Experiment) for result in results) == 1, results
    assert all(isinstance(result, Experiment | DomainError) for result in results), results
    assert Assignment.objects.filter(experiment=experiment).count() == 40
