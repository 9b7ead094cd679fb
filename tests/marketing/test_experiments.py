"""A/B tests: create (validation, planned sample), start, stop, assignment."""

from decimal import Decimal

import pytest
from django.utils import translation
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

from tests.marketing import campaign_factories
from tests.marketing.experiment_factories import (
    coupon_arms,
    make_campaign_experiment,
    make_customers,
    make_population,
    make_promotion_experiment,
)
from zhanggui.accounts.models import OperationLog
from zhanggui.customers.models import SegmentMember
from zhanggui.marketing import campaigns, experiments, queries_experiments, rules_ab
from zhanggui.marketing.errors_experiments import (
    ExperimentCodeTaken,
    ExperimentStateError,
    InvalidExperiment,
)
from zhanggui.marketing.experiments import ArmSpec
from zhanggui.marketing.models_campaigns import Recipient, RecipientStatus
from zhanggui.marketing.models_experiments import Assignment, Experiment, ExperimentArm
from zhanggui.pricing.models import Promotion

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english():
    """The problems are matched in the source language (the shop's default is Chinese)."""
    with translation.override("en"):
        yield



def test_create_experiment_stores_arms_and_planned_sample():
    experiment = make_campaign_experiment(baseline_rate=Decimal("0.05"),
                                          minimum_effect=Decimal("0.02"))
    assert experiment.status == "draft"
    arms = list(experiment.arms.order_by("id"))
    assert [(a.code, a.share, a.is_holdout) for a in arms] == [
        ("coupon-a", Decimal("0.4500"), False), ("coupon-b", Decimal("0.4500"), False),
        ("holdout", Decimal("0.1000"), True)]
    assert arms[0].coupon_template is not None and arms[2].coupon_template is None
    # two arms against the holdout: alpha split in two for the plan
    theirs = NormalIndPower().solve_power(effect_size=proportion_effectsize(0.07, 0.05),
                                          alpha=0.025, power=0.8, ratio=1)
    assert experiment.planned_sample_size == int(-(-theirs // 1))
    assert OperationLog.objects.filter(action="marketing.create_experiment",
                                       object_id=str(experiment.pk)).exists()


@pytest.mark.parametrize(("arms", "problem"), [
    ([ArmSpec("a", "A", Decimal("1"))], "2 to"),
    ([ArmSpec("a", "A", Decimal("0.5")), ArmSpec("b", "B", Decimal("0.4"))], "add up"),
    ([ArmSpec("a", "A", Decimal("0.5")), ArmSpec("a", "B", Decimal("0.5"))], "same code"),
    ([ArmSpec("a", "A", Decimal("0.5"), True), ArmSpec("b", "B", Decimal("0.5"), True)],
     "at most one holdout"),
    ([ArmSpec("a", "A", Decimal("0")), ArmSpec("b", "B", Decimal("1"))], "share"),
    ([ArmSpec("a", "A", Decimal("0.33333")), ArmSpec("b", "B", Decimal("0.66667"))], "share"),
    ([ArmSpec("a b", "A", Decimal("0.5")), ArmSpec("b", "B", Decimal("0.5"))], "code"),
])
def test_create_experiment_refuses_bad_arms_and_saves_nothing(arms, problem):
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    with pytest.raises(InvalidExperiment, match=problem):
        experiments.create_experiment("bad", name="x", campaign=campaign, arms=arms, actor=None)
    assert not Experiment.objects.exists() and not ExperimentArm.objects.exists()


@pytest.mark.parametrize("plan", [
    {"alpha": Decimal("0.5")}, {"power": Decimal("0.4")}, {"baseline_rate": Decimal("0")},
    {"minimum_effect": Decimal("0")}, {"baseline_rate": Decimal("0.99"),
                                       "minimum_effect": Decimal("0.02")},
    {"metric": "clicks"}])
def test_create_experiment_refuses_a_plan_out_of_range(plan):
    with pytest.raises(InvalidExperiment):
        make_campaign_experiment(**plan)
    assert not Experiment.objects.exists()


def test_create_experiment_needs_exactly_one_subject_and_a_population_for_promotions():
    arms = coupon_arms()
    with pytest.raises(InvalidExperiment, match="one campaign or of one promotion"):
        experiments.create_experiment("x", name="x", arms=arms, actor=None)
    population = make_population(make_customers(3))
    with pytest.raises(InvalidExperiment, match="population"):
        make_promotion_experiment(None)
    with pytest.raises(InvalidExperiment, match="one treated arm and one holdout"):
        make_promotion_experiment(population, arms=arms)
    assert not Experiment.objects.exists()


def test_create_experiment_refuses_a_taken_code_and_a_prepared_campaign():
    first = make_campaign_experiment(code="same")
    with pytest.raises(ExperimentCodeTaken):
        make_campaign_experiment(code="same")
    with pytest.raises(InvalidExperiment, match="already has a test"):
        experiments.create_experiment("other", name="x", campaign=first.campaign,
                                      arms=coupon_arms(), actor=None)
    customer = campaign_factories.make_contact()
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([customer]))
    campaigns.prepare_campaign(campaign, actor=None)
    with pytest.raises(InvalidExperiment, match="already chosen"):
        experiments.create_experiment("late", name="x", campaign=campaign, arms=coupon_arms(),
                                      actor=None)
    assert Experiment.objects.count() == 1


def test_arms_for_assigns_by_the_stable_hash_and_keeps_the_arm():
    customers = make_customers(400)
    experiment = make_campaign_experiment()
    ids = [c.pk for c in customers]
    first = experiments.arms_for(experiment.campaign, ids[:250])
    again = experiments.arms_for(experiment.campaign, ids)
    assert {cid: first[cid] for cid in ids[:250]} == {cid: again[cid] for cid in ids[:250]}
    assert Assignment.objects.filter(experiment=experiment).count() == 400
    shares = [Decimal("0.45"), Decimal("0.45"), Decimal("0.10")]
    codes = ["coupon-a", "coupon-b", "holdout"]
    for cid, (arm, holdout) in again.items():
        expected = codes[rules_ab.arm_index(rules_ab.assignment_point(experiment.code, cid), shares)]
        assert arm == expected and holdout == (arm == "holdout")
    experiment.refresh_from_db()
    assert experiment.status == "running" and experiment.started_at is not None


def test_arms_for_without_a_test_is_empty_and_after_stop_assigns_no_one_new():
    campaign = campaign_factories.make_campaign(campaign_factories.make_segment([]))
    assert experiments.arms_for(campaign, [1, 2, 3]) == {}
    customers = make_customers(10)
    experiment = make_campaign_experiment()
    experiments.arms_for(experiment.campaign, [c.pk for c in customers[:5]])
    experiments.stop_experiment(experiment, actor=None)
    answer = experiments.arms_for(experiment.campaign, [c.pk for c in customers])
    assert set(answer) == {c.pk for c in customers[:5]}
    assert Assignment.objects.filter(experiment=experiment).count() == 5


def test_preparing_the_campaign_assigns_recipients_and_holds_out_the_holdout():
    customers = [campaign_factories.make_contact() for _ in range(30)]
    experiment = make_campaign_experiment(customers)
    campaigns.prepare_campaign(experiment.campaign, actor=None)
    recipients = list(Recipient.objects.filter(campaign=experiment.campaign))
    assignments = dict(Assignment.objects.filter(experiment=experiment)
                       .values_list("customer_id", "arm__code"))
    assert len(recipients) == 30 and len(assignments) == 30
    for recipient in recipients:
        assert recipient.arm == assignments[recipient.customer_id]
        assert (recipient.status == RecipientStatus.HELD_OUT) == (recipient.arm == "holdout")
        assert (recipient.coupon_id is None) == (recipient.arm == "holdout")


def test_start_promotion_experiment_writes_the_treated_arm_segment_into_the_promotion():
    customers = make_customers(60)
    population = make_population(customers)
    experiment = make_promotion_experiment(population)
    experiments.start_experiment(experiment, actor=None)
    experiment.refresh_from_db()
    assert experiment.status == "running" and experiment.started_at is not None
    treated = experiment.arms.get(code="treated")
    assigned = dict(Assignment.objects.filter(experiment=experiment)
                    .values_list("customer_id", "arm__code"))
    assert set(assigned) == {c.pk for c in customers}
    members = set(SegmentMember.objects.filter(segment=treated.segment)
                  .values_list("customer_id", flat=True))
    assert members == {cid for cid, arm in assigned.items() if arm == "treated"}
    assert 0 < len(members) < 60
    assert treated.segment.kind == "experiment"
    assert Promotion.objects.get(pk=experiment.promotion_id).segments == [treated.segment.code]


def test_start_refuses_an_empty_population_and_changes_nothing():
    experiment = make_promotion_experiment(make_population([]))
    with pytest.raises(InvalidExperiment, match="no members"):
        experiments.start_experiment(experiment, actor=None)
    experiment.refresh_from_db()
    assert experiment.status == "draft" and not Assignment.objects.exists()
    assert Promotion.objects.get(pk=experiment.promotion_id).segments == []


def test_start_and_stop_follow_the_states():
    experiment = make_campaign_experiment()
    with pytest.raises(ExperimentStateError):
        experiments.stop_experiment(experiment, actor=None)
    experiments.start_experiment(experiment, actor=None)
    with pytest.raises(ExperimentStateError):
        experiments.start_experiment(experiment, actor=None)
    stopped = experiments.stop_experiment(experiment, actor=None)
    assert stopped.status == "stopped" and stopped.stopped_at >= stopped.started_at
    with pytest.raises(ExperimentStateError):
        experiments.stop_experiment(experiment, actor=None)
    actions = set(OperationLog.objects.filter(object_id=str(experiment.pk),
                                              action__contains="experiment")
                  .values_list("action", flat=True))
    assert actions == {"marketing.create_experiment", "marketing.start_experiment",
                       "marketing.stop_experiment"}


def test_progress_counts_assigned_per_arm_against_the_plan():
    customers = make_customers(100)
    experiment = make_campaign_experiment()
    experiments.arms_for(experiment.campaign, [c.pk for c in customers])
    progress = queries_experiments.progress(experiment)
    assert sum(progress.assigned.values()) == 100
    assert progress.smallest == min(progress.assigned.values())
    assert progress.fraction == progress.smallest / experiment.planned_sample_size
    assert not progress.reached
