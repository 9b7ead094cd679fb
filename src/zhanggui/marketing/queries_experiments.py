"""Reads of A/B tests for the API, the console and the results report."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from zhanggui.marketing.errors_experiments import ExperimentNotFound
from zhanggui.marketing.models_experiments import Assignment, Experiment, ExperimentArm


def list_experiments(*, status: str | None = None, campaign_id: int | None = None,
                     promotion_id: int | None = None) -> QuerySet[Experiment]:
    """Tests, newest first, with their subject loaded and arms prefetched."""
    rows = Experiment.objects.select_related("campaign", "promotion", "population") \
        .prefetch_related("arms").order_by("-id")
    if status:
        rows = rows.filter(status=status)
    if campaign_id:
        rows = rows.filter(campaign_id=campaign_id)
    if promotion_id:
        rows = rows.filter(promotion_id=promotion_id)
    return rows


def get_experiment(experiment_id: int) -> Experiment:
    """Raises ExperimentNotFound."""
    try:
        return list_experiments().get(pk=experiment_id)
    except Experiment.DoesNotExist:
        raise ExperimentNotFound() from None


def arms_of(experiment: Experiment) -> list[ExperimentArm]:
    return sorted(experiment.arms.all(), key=lambda arm: arm.pk)


@dataclass(frozen=True)
class Progress:
    """Customers assigned per arm against the planned sample per arm."""

    assigned: dict[str, int]  # arm code → customers assigned
    planned: int | None
    smallest: int
    fraction: float  # smallest arm / plan, capped at 1

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def reached(self) -> bool:
        return bool(self.planned) and self.smallest >= self.planned


def progress(experiment: Experiment) -> Progress:
    arms = arms_of(experiment)
    counts = dict(Assignment.objects.filter(experiment=experiment).values("arm_id")
                  .annotate(n=Count("id")).values_list("arm_id", "n"))
    assigned = {arm.code: counts.get(arm.pk, 0) for arm in arms}
    smallest = min(assigned.values()) if assigned else 0
    planned = experiment.planned_sample_size
    fraction = min(1.0, smallest / planned) if planned else 0.0
    return Progress(assigned, planned, smallest, fraction)


def assigned_customers(experiment: Experiment) -> list[tuple[int, str]]:
    """(customer id, arm code) of every assignment of the test."""
    return list(Assignment.objects.filter(experiment=experiment)
                .values_list("customer_id", "arm__code").order_by("customer_id"))
