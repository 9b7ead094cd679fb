"""The KPI catalogue (绩效指标): what a target may name, and how its actual is computed.

Each KPI says its unit, whether higher or lower is better, which roles it suits, which scopes
it accepts (the whole shop, a category, a channel), whether it adds up over a period
(``cumulative``: a month's GMV is the sum of its days, so two weeks in, half the target is
expected; a rate or a median is not), and where its actual comes from:

- ``metric``: the code in the metric registry (``analytics.metrics``, GLOSSARY names),
  computed by ``analytics.engine`` over the target's period with the scope as ``Filters``;
  ``category_metric`` replaces it for a category scope.
- ``staff_dimension``: the registry dimension that names the staff member (the ticket's
  assignee, the parcel's packer). Without one, the actual is the scope's (a GMV target of an
  operator is the GMV of the category or channel they run).
- ``counted_by``: a count of the registry; when it is 0 there is no actual (a median of no
  tickets is not 0 minutes).

Listing quality is not a fact of a period: it is the average of the current listing scores
(``listing.ProductScore``, 0–100) of the products in scope, read in ``team.queries``.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhanggui.accounts.roles import Role
from zhanggui.team.models import KpiScope

HIGHER, LOWER = "higher", "lower"
LISTING_SCORE = "listing_score"  # the source of listing quality (not the registry)


@dataclass(frozen=True)
class Kpi:
    code: str
    label: object  # translated
    unit: str  # money, minutes, rate, score
    direction: str  # HIGHER or LOWER is better
    roles: tuple[str, ...]
    scopes: tuple[str, ...]  # KpiScope values accepted
    formula: str
    metric: str = ""
    category_metric: str = ""
    staff_dimension: str = ""
    counted_by: str = ""
    cumulative: bool = False

    def metric_for(self, scope_kind: str) -> str:
        if scope_kind == KpiScope.CATEGORY and self.category_metric:
            return self.category_metric
        return self.metric

    @property
    def lower_is_better(self) -> bool:
        return self.direction == LOWER


KPIS = {k.code: k for k in [
    Kpi("gmv", _("GMV"), "money", HIGHER, (Role.OPERATOR,),
        (KpiScope.SHOP, KpiScope.CATEGORY, KpiScope.CHANNEL),
        "registry gmv (Σ paid amount of orders paid in the period; with a channel, that "
        "channel's orders); for a category, registry line_gmv (Σ line totals of the "
        "category's order lines paid in the period, subcategories included)",
        metric="gmv", category_metric="line_gmv", cumulative=True),
    Kpi("first_response_time", _("First response time (median minutes)"), "minutes", LOWER,
        (Role.SERVICE,), (KpiScope.SHOP,),
        "registry first_response_time grouped by assignee_id: median minutes from ticket "
        "created to first staff reply, over the agent's tickets first answered in the period",
        metric="first_response_time", staff_dimension="assignee_id",
        counted_by="tickets_answered"),
    Kpi("csat", _("Satisfaction (CSAT)"), "rate", HIGHER, (Role.SERVICE,), (KpiScope.SHOP,),
        "registry csat grouped by assignee_id: ratings of 4–5 / ratings, given in the period "
        "to the agent's tickets", metric="csat", staff_dimension="assignee_id",
        counted_by="ratings"),
    Kpi("ship_within_48h_rate", _("48-hour ship rate"), "rate", HIGHER, (Role.WAREHOUSE,),
        (KpiScope.SHOP, KpiScope.CHANNEL),
        "registry ship_within_48h_rate grouped by packer_id: orders paid in the period whose "
        "first parcel the staff member packed (else shipped) and that were collected ≤ 48 h "
        "after payment / such orders due", metric="ship_within_48h_rate",
        staff_dimension="packer_id", counted_by="ship_due_orders"),
    Kpi("pick_accuracy", _("Pick accuracy"), "rate", HIGHER, (Role.WAREHOUSE,), (KpiScope.SHOP,),
        "registry pick_accuracy grouped by packer_id: lines of the parcels the staff member "
        "packed in the period with no refused scan / lines they packed",
        metric="pick_accuracy", staff_dimension="packer_id", counted_by="lines_packed"),
    Kpi("listing_quality", _("Listing quality (average score)"), "score", HIGHER,
        (Role.DESIGNER,), (KpiScope.SHOP, KpiScope.CATEGORY),
        "average of the current listing quality scores (0–100) of the products in scope "
        "(a category: with its subcategories), delisted products left out",
        metric=LISTING_SCORE),
]}


def kpi_choices() -> list[tuple[str, object]]:
    return [(k.code, k.label) for k in KPIS.values()]


def get_kpi(code: str) -> Kpi | None:
    return KPIS.get(code)
