"""A/B tests API: list, get, create, start, stop. Mounted at ``/api/v1/marketing`` through
``analytics.api_experiments``, which adds ``GET /experiments/{id}/results`` (statistics over
the warehouse, which marketing may not import). Thin: ``require_perm`` first, then one action
or query."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhanggui.accounts.api_auth import require_perm
from zhanggui.core.schemas import ERRORS, BoundedPagination, Id
from zhanggui.customers.queries_segments import get_segment
from zhanggui.marketing import experiments, queries_experiments
from zhanggui.marketing.models_experiments import ExperimentMetric, ExperimentStatus
from zhanggui.marketing.queries_campaigns import get_campaign
from zhanggui.pricing.queries import get_coupon_template, get_promotion

router = Router()
FRACTION = {"max_digits": 5, "decimal_places": 4}


class ArmOut(Schema):
    id: int
    code: str
    name: str
    share: Decimal
    is_holdout: bool
    coupon_template_id: int | None
    segment_id: int | None


class ExperimentOut(Schema):
    id: int
    code: str
    name: str
    hypothesis: str
    campaign_id: int | None
    promotion_id: int | None
    population_id: int | None
    metric: ExperimentMetric
    alpha: Decimal
    power: Decimal
    baseline_rate: Decimal
    minimum_effect: Decimal
    planned_sample_size: int | None
    status: ExperimentStatus
    started_at: datetime | None
    stopped_at: datetime | None
    arms: list[ArmOut]

    @staticmethod
    def resolve_arms(obj) -> list[ArmOut]:
        return [ArmOut.model_validate(arm) for arm in queries_experiments.arms_of(obj)]


class ExperimentDetailOut(ExperimentOut):
    assigned: dict[str, int] = Field(description="customers assigned per arm code")
    progress_percent: int = Field(description="smallest arm's people / planned sample per arm")


class ExperimentFilter(Schema):
    status: ExperimentStatus | None = None
    campaign_id: Id | None = None
    promotion_id: Id | None = None


class ArmIn(Schema):
    code: str = Field(min_length=1, max_length=20, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=60)
    share: Decimal = Field(gt=0, le=1, **FRACTION, description="fraction (0.45 = 45 %)")
    is_holdout: bool = False
    coupon_template_id: Id | None = None


class ExperimentIn(Schema):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$")
    name: str = Field(min_length=1, max_length=80)
    hypothesis: str = Field("", max_length=2000)
    campaign_id: Id | None = Field(None, description="a campaign's test (before it is prepared)")
    promotion_id: Id | None = Field(None, description="a promotion's test (needs population_id)")
    population_id: Id | None = Field(None, description="segment taking part (promotion's test)")
    metric: ExperimentMetric = ExperimentMetric.CONVERSION
    alpha: Decimal = Field(Decimal("0.05"), gt=0, lt=Decimal("0.5"), max_digits=4,
                           decimal_places=3)
    power: Decimal = Field(Decimal("0.8"), gt=Decimal("0.5"), lt=1, max_digits=4,
                           decimal_places=3)
    baseline_rate: Decimal = Field(Decimal("0.05"), gt=0, lt=1, **FRACTION)
    minimum_effect: Decimal = Field(Decimal("0.02"), gt=0, lt=1, **FRACTION)
    arms: list[ArmIn] = Field(min_length=2, max_length=experiments.MAX_ARMS)


def _detail(experiment_id: int):
    experiment = queries_experiments.get_experiment(experiment_id)
    progress = queries_experiments.progress(experiment)
    experiment.assigned, experiment.progress_percent = progress.assigned, progress.percent
    return experiment


@router.get("/experiments", response={200: list[ExperimentOut], **ERRORS})
@paginate(BoundedPagination, page_size=50)
def list_experiments(request, filters: Query[ExperimentFilter]):
    """A/B tests, newest first."""
    require_perm(request, "marketing.view_experiment")
    return queries_experiments.list_experiments(**filters.model_dump())


@router.get("/experiments/{experiment_id}", response={200: ExperimentDetailOut, **ERRORS})
def get_experiment(request, experiment_id: Id):
    """One test with its arms and its progress to the planned sample."""
    require_perm(request, "marketing.view_experiment")
    return _detail(experiment_id)


@router.post("/experiments", response={201: ExperimentDetailOut, **ERRORS})
def create_experiment(request, payload: ExperimentIn):
    """A draft test of a campaign or of a promotion, with its arms (shares adding up to 1,
    at most one holdout); answers its planned sample per arm."""
    require_perm(request, "marketing.add_experiment")
    arms = [experiments.ArmSpec(
        arm.code, arm.name, arm.share, arm.is_holdout,
        get_coupon_template(arm.coupon_template_id) if arm.coupon_template_id else None)
        for arm in payload.arms]
    experiment = experiments.create_experiment(
        payload.code, name=payload.name, hypothesis=payload.hypothesis, arms=arms,
        campaign=get_campaign(payload.campaign_id) if payload.campaign_id else None,
        promotion=get_promotion(payload.promotion_id) if payload.promotion_id else None,
        population=get_segment(payload.population_id) if payload.population_id else None,
        metric=payload.metric, alpha=payload.alpha, power=payload.power,
        baseline_rate=payload.baseline_rate, minimum_effect=payload.minimum_effect,
        actor=request.user)
    return Status(201, _detail(experiment.pk))


@router.post("/experiments/{experiment_id}/start", response={200: ExperimentDetailOut, **ERRORS})
def start_experiment(request, experiment_id: Id):
    """Start a draft test (a promotion's: assigns its population now)."""
    require_perm(request, "marketing.change_experiment")
    experiments.start_experiment(queries_experiments.get_experiment(experiment_id),
                                 actor=request.user)
    return _detail(experiment_id)


@router.post("/experiments/{experiment_id}/stop", response={200: ExperimentDetailOut, **ERRORS})
def stop_experiment(request, experiment_id: Id):
    """Stop a running test: results count up to now."""
    require_perm(request, "marketing.change_experiment")
    experiments.stop_experiment(queries_experiments.get_experiment(experiment_id),
                                actor=request.user)
    return _detail(experiment_id)
