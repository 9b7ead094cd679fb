"""Writes of A/B tests: create one with its arms, start it (assign customers), stop it; and
``arms_for``, which the campaigns call when they choose their recipients.

A customer's arm is ``rules_ab.arm_index(rules_ab.assignment_point(code, customer_id),
shares)``: a stable hash, so the same customer lands in the same arm however often or in
whatever order customers are assigned, and the ``Assignment`` row keeps it for good.

- A campaign's test: its recipients are assigned when the campaign is prepared
  (``campaigns.prepare_campaign`` → ``arms_for``); the holdout's recipients are held out.
  Preparing it starts the test if it was still a draft.
- A promotion's test: one treated arm and one holdout. Starting it assigns every member of
  the population segment, writes the treated arm's members into a segment of kind
  ``experiment`` (``customers.segments.replace_segment_members``) and makes that segment the
  promotion's eligibility, so the price engine gives the promotion to that arm only.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.actions import log_operation, snapshot
from zhanggui.accounts.models import Staff
from zhanggui.customers import segments as segment_actions
from zhanggui.customers.models_segments import Segment, SegmentKind, SegmentMember
from zhanggui.marketing import rules_ab
from zhanggui.marketing.errors_experiments import (
    ExperimentCodeTaken,
    ExperimentStateError,
    InvalidExperiment,
)
from zhanggui.marketing.models_campaigns import Campaign, CampaignStatus, Recipient
from zhanggui.marketing.models_experiments import (
    Assignment,
    Experiment,
    ExperimentArm,
    ExperimentMetric,
    ExperimentStatus,
)
from zhanggui.pricing import actions as pricing_actions
from zhanggui.pricing.models import CouponTemplate, Promotion

LOGGED = ("code", "name", "campaign_id", "promotion_id", "population_id", "metric", "alpha",
          "power", "baseline_rate", "minimum_effect", "planned_sample_size", "status",
          "started_at", "stopped_at")
CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_ARMS = 10
READ_BATCH = 5000


@dataclass(frozen=True)
class ArmSpec:
    code: str
    name: str
    share: Decimal
    is_holdout: bool = False
    coupon_template: CouponTemplate | None = None


def baseline_arm(arms: Sequence[ExperimentArm]) -> ExperimentArm:
    """What every other arm is compared with: the holdout, or the first arm without one."""
    return next((arm for arm in arms if arm.is_holdout), arms[0])


def _check_arms(arms: Sequence[ArmSpec], *, promotion: Promotion | None) -> None:
    if not 2 <= len(arms) <= MAX_ARMS:
        raise InvalidExperiment(problem=_("a test has 2 to %(max)d arms") % {"max": MAX_ARMS})
    codes = [arm.code for arm in arms]
    if any(not code or len(code) > 20 or not CODE.match(code) for code in codes):
        raise InvalidExperiment(problem=_("an arm's code is 1 to 20 letters, digits, - or _"))
    if len(set(codes)) != len(codes):
        raise InvalidExperiment(problem=_("two arms have the same code"))
    if any(not arm.name.strip() or len(arm.name) > 60 for arm in arms):
        raise InvalidExperiment(problem=_("every arm needs a name of at most 60 characters"))
    shares = [arm.share for arm in arms]
    if any(not isinstance(s, Decimal) or not s.is_finite() or s <= 0 or s > 1
           or s != s.quantize(Decimal("0.0001")) for s in shares):
        raise InvalidExperiment(problem=_("each share is a fraction above 0 with at most four "
                                          "decimals (0.45 = 45 %)"))
    if sum(shares) != 1:
        raise InvalidExperiment(problem=_("the shares add up to %(total)s, not 1")
                                % {"total": sum(shares)})
    holdouts = [arm for arm in arms if arm.is_holdout]
    if len(holdouts) > 1:
        raise InvalidExperiment(problem=_("a test has at most one holdout"))
    if any(arm.coupon_template for arm in holdouts):
        raise InvalidExperiment(problem=_("the holdout gets nothing: no coupon"))
    if promotion is not None and (len(arms) != 2 or len(holdouts) != 1
                                  or any(arm.coupon_template for arm in arms)):
        raise InvalidExperiment(problem=_(
            "a promotion's test has one treated arm and one holdout, without coupons (to "
            "compare several offers, test a campaign with a coupon per arm)"))


def _check_plan(*, metric: str, alpha: Decimal, power: Decimal, baseline_rate: Decimal,
                minimum_effect: Decimal, comparisons: int) -> int:
    if metric not in ExperimentMetric.values:
        raise InvalidExperiment(problem=_("unknown metric %(metric)s") % {"metric": metric})
    if not (Decimal(0) < alpha < Decimal("0.5") and Decimal("0.5") < power < 1):
        raise InvalidExperiment(problem=_("the significance level is between 0 and 0.5 and the "
                                          "power between 0.5 and 1"))
    if not (0 < baseline_rate < 1 and minimum_effect > 0 and baseline_rate + minimum_effect <= 1):
        raise InvalidExperiment(problem=_("the baseline conversion is a fraction between 0 and 1 "
                                          "and the effect above 0, together at most 1"))
    return rules_ab.planned_sample_size(float(baseline_rate), float(minimum_effect),
                                        alpha=float(alpha), power=float(power),
                                        comparisons=comparisons)


def _check_subject(*, campaign: Campaign | None, promotion: Promotion | None,
                   population: Segment | None) -> None:
    if (campaign is None) == (promotion is None):
        raise InvalidExperiment(problem=_("a test is of one campaign or of one promotion"))
    if campaign is not None:
        if Experiment.objects.filter(campaign=campaign).exists():
            raise InvalidExperiment(problem=_("this campaign already has a test"))
        if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED) \
                or Recipient.objects.filter(campaign=campaign).exists():
            raise InvalidExperiment(problem=_("the campaign's recipients are already chosen: "
                                              "a test must exist before it is prepared"))
        if population is not None:
            raise InvalidExperiment(problem=_("a campaign's test takes its audience: no population"))
    elif population is None:
        raise InvalidExperiment(problem=_("a promotion's test needs a population segment"))
    elif population.kind == SegmentKind.EXPERIMENT:
        raise InvalidExperiment(problem=_("the population cannot be another test's arm"))


@transaction.atomic
def create_experiment(code: str, *, name: str, arms: Sequence[ArmSpec], actor: Staff | None,
                      campaign: Campaign | None = None, promotion: Promotion | None = None,
                      population: Segment | None = None, hypothesis: str = "",
                      metric: str = ExperimentMetric.CONVERSION, alpha: Decimal = Decimal("0.05"),
                      power: Decimal = Decimal("0.8"), baseline_rate: Decimal = Decimal("0.05"),
                      minimum_effect: Decimal = Decimal("0.02")) -> Experiment:
    """Create a draft A/B test with its arms and its planned sample per arm.

    The planned sample finds ``minimum_effect`` (absolute, on conversion) from
    ``baseline_rate`` with ``power`` at ``alpha`` divided among the arms compared with the
    baseline (the holdout, or the first arm).

    Raises:
        InvalidExperiment: bad code or name; not exactly one of campaign and promotion; a
            campaign already prepared or tested; a promotion without a population; fewer than
            two arms, shares not adding up to 1, two holdouts; a plan out of range.
        ExperimentCodeTaken: the code is used.
    """
    if not code or len(code) > 40 or not CODE.match(code):
        raise InvalidExperiment(problem=_("the code is 1 to 40 letters, digits, - or _"))
    if not name.strip() or len(name) > 80:
        raise InvalidExperiment(problem=_("the name is 1 to 80 characters"))
    _check_subject(campaign=campaign, promotion=promotion, population=population)
    _check_arms(arms, promotion=promotion)
    planned = _check_plan(metric=metric, alpha=alpha, power=power, baseline_rate=baseline_rate,
                          minimum_effect=minimum_effect, comparisons=len(arms) - 1)
    if Experiment.objects.filter(code=code).exists():
        raise ExperimentCodeTaken(code=code)
    experiment = Experiment.objects.create(
        code=code, name=name.strip(), hypothesis=hypothesis, campaign=campaign,
        promotion=promotion, population=population, metric=metric, alpha=alpha, power=power,
        baseline_rate=baseline_rate, minimum_effect=minimum_effect,
        planned_sample_size=planned, created_by=actor)
    ExperimentArm.objects.bulk_create([
        ExperimentArm(experiment=experiment, code=arm.code, name=arm.name.strip(),
                      share=arm.share, is_holdout=arm.is_holdout,
                      coupon_template=arm.coupon_template) for arm in arms])
    log_operation(experiment, action="marketing.create_experiment", actor=actor,
                  after={**snapshot(experiment, LOGGED), "arms": [
                      {"code": a.code, "share": str(a.share), "is_holdout": a.is_holdout,
                       "coupon_template_id": a.coupon_template.pk if a.coupon_template else None}
                      for a in arms]})
    return experiment


def _lock(experiment: Experiment) -> Experiment:
    return Experiment.objects.select_for_update().get(pk=experiment.pk)


def _arms(experiment: Experiment) -> list[ExperimentArm]:
    return list(ExperimentArm.objects.filter(experiment=experiment).order_by("id"))


def _assign(experiment: Experiment, customer_ids: Iterable[int]) -> dict[int, ExperimentArm]:
    """Assign the customers not yet assigned (bulk; a customer assigned before keeps the
    arm) and answer every given customer's arm."""
    arms = _arms(experiment)
    by_id = {arm.pk: arm for arm in arms}
    shares = [arm.share for arm in arms]
    wanted = sorted(set(customer_ids))
    found: dict[int, ExperimentArm] = {}
    for start in range(0, len(wanted), READ_BATCH):
        batch = wanted[start:start + READ_BATCH]
        found.update((cid, by_id[arm_id]) for cid, arm_id in Assignment.objects.filter(
            experiment=experiment, customer_id__in=batch).values_list("customer_id", "arm_id"))
    now = timezone.now()
    new = []
    for cid in wanted:
        if cid not in found:
            arm = arms[rules_ab.arm_index(rules_ab.assignment_point(experiment.code, cid), shares)]
            new.append(Assignment(experiment=experiment, arm=arm, customer_id=cid, assigned_at=now))
            found[cid] = arm
    # The experiment row is locked by the caller: no one else assigns meanwhile.
    Assignment.objects.bulk_create(new, batch_size=2000)
    return found


def _begin(experiment: Experiment, *, actor: Staff | None, note: str = "") -> None:
    before = snapshot(experiment, ("status", "started_at"))
    experiment.status = ExperimentStatus.RUNNING
    experiment.started_at = timezone.now()
    experiment.save(update_fields=["status", "started_at", "updated_at"])
    log_operation(experiment, action="marketing.start_experiment", actor=actor, before=before,
                  after=snapshot(experiment, ("status", "started_at")), note=note)


def _treat_promotion_arm(experiment: Experiment, assigned: dict[int, ExperimentArm], *,
                         actor: Staff | None) -> None:
    treated = next(arm for arm in _arms(experiment) if not arm.is_holdout)
    if treated.segment_id is None:
        treated.segment = segment_actions.create_segment(
            f"ab{experiment.pk}-{treated.code}", kind=SegmentKind.EXPERIMENT, definition=None,
            name=f"{experiment.name[:50]} · {treated.name}"[:80], actor=actor,
            description=str(_("Members of an A/B test's arm: they get the promotion.")))
        treated.save(update_fields=["segment"])
    segment_actions.replace_segment_members(
        treated.segment, [cid for cid, arm in assigned.items() if arm.pk == treated.pk],
        measured_at=experiment.started_at)
    promotion = Promotion.objects.select_for_update().get(pk=experiment.promotion_id)
    promotion.segments = [treated.segment.code]
    pricing_actions.save_promotion(promotion, actor=actor)


@transaction.atomic
def start_experiment(experiment: Experiment, *, actor: Staff | None) -> Experiment:
    """Start a draft test. A promotion's: assign the population's members, write the treated
    arm's segment and make it the promotion's eligibility. A campaign's: its recipients are
    assigned when the campaign is prepared.

    Raises:
        ExperimentStateError: the test is running or stopped.
        InvalidExperiment: a promotion's population has no members (evaluate it first).
    """
    experiment = _lock(experiment)
    if experiment.status != ExperimentStatus.DRAFT:
        raise ExperimentStateError(status=experiment.get_status_display(), step=_("started"))
    if experiment.promotion_id is not None:
        members = list(SegmentMember.objects.filter(
            segment_id=experiment.population_id, customer__is_guest=False)
            .values_list("customer_id", flat=True))
        if not members:
            raise InvalidExperiment(problem=_("the population segment has no members yet"))
        _begin(experiment, actor=actor)
        _treat_promotion_arm(experiment, _assign(experiment, members), actor=actor)
    else:
        _begin(experiment, actor=actor)
    return experiment


@transaction.atomic
def stop_experiment(experiment: Experiment, *, actor: Staff | None) -> Experiment:
    """Stop a running test: results are counted until now. A promotion stays as it is (its
    eligibility still names the treated arm's segment) until an operator changes it.

    Raises:
        ExperimentStateError: the test is a draft or already stopped.
    """
    experiment = _lock(experiment)
    if experiment.status != ExperimentStatus.RUNNING:
        raise ExperimentStateError(status=experiment.get_status_display(), step=_("stopped"))
    before = snapshot(experiment, ("status", "stopped_at"))
    experiment.status = ExperimentStatus.STOPPED
    experiment.stopped_at = timezone.now()
    experiment.save(update_fields=["status", "stopped_at", "updated_at"])
    log_operation(experiment, action="marketing.stop_experiment", actor=actor, before=before,
                  after=snapshot(experiment, ("status", "stopped_at")))
    return experiment


@transaction.atomic
def arms_for(campaign: Campaign, customer_ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """The arm of each customer in the campaign's test as ``{customer_id: (arm code,
    is_holdout)}``; customers not yet assigned are assigned now (a draft test starts).
    No test: ``{}``. A stopped test assigns no one new (they are left out of the answer).
    """
    experiment = Experiment.objects.select_for_update().filter(campaign=campaign).first()
    if experiment is None:
        return {}
    customer_ids = list(customer_ids)
    if experiment.status == ExperimentStatus.STOPPED:
        arms = {arm.pk: arm for arm in _arms(experiment)}
        rows = Assignment.objects.filter(experiment=experiment).values_list("customer_id", "arm_id")
        wanted = set(customer_ids)
        return {cid: (arms[arm_id].code, arms[arm_id].is_holdout)
                for cid, arm_id in rows if cid in wanted}
    if experiment.status == ExperimentStatus.DRAFT:
        _begin(experiment, actor=None, note="campaign prepared")
    return {cid: (arm.code, arm.is_holdout) for cid, arm in _assign(experiment, customer_ids).items()}
