"""The briefing's action candidates: one small function per kind, each returning the
candidates of a day with their estimated impact in yuan and how it is estimated.

Impact estimates (documented here, shown with every action as ``impact_formula``):

- ``anomaly`` — the anomaly's own ``impact_amount``, as the anomaly detection estimates it
  (``anomaly_impact.FORMULAS``; a favourable anomaly counts 0 and gives no action).
- ``restock`` — a SKU that runs out before a new order can arrive: daily demand × price ×
  days short (lead time − days of supply), less the units already on order (the lost sales).
- ``reorder`` — today's reorder list (rows with a supplier, not on a draft): Σ stock-out risk
  × daily demand × days between orders × price (the sales at risk until the next order).
- ``listing`` — a top product whose listing has blocking findings: its 30-day goods paid ×
  ``LISTING_AT_RISK_SHARE`` (the share of a month's sales a blocked listing puts at risk).
- ``winback`` — a dormant segment that grew over the last 7 days: growth ×
  ``WIN_BACK_RATE`` × the value of a won-back customer (mean CLV of the segment's members
  from ``customers.CustomerValue`` when present, else ``WON_BACK_VALUE``).
- ``carrier`` — a carrier whose on-time delivery rate fell by at least ``CARRIER_DROP`` (last
  7 days against the 7 before, on at least ``CARRIER_MIN_PARCELS`` promised parcels): fall ×
  promised parcels × ``LATE_PARCEL_COST`` (compensation and service time of a late parcel).

The supply kinds (``restock``, ``reorder``) are in ``briefing_supply``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from zhanggui.analytics import engine
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.rules import Period
from zhanggui.core.timeutil import day_range
from zhanggui.customers.models import SegmentSize
from zhanggui.customers.models_value import CustomerValue
from zhanggui.customers.queries_segments import list_segments, segment_member_ids
from zhanggui.fulfillment.models import Carrier
from zhanggui.insights.anomaly_impact import FORMULAS
from zhanggui.insights.dimension_labels import dimension_label
from zhanggui.insights.models import Anomaly
from zhanggui.listing.models import ProductScore

CENT = Decimal("0.01")
LISTING_AT_RISK_SHARE = Decimal("0.30")
LISTING_TOP_PRODUCTS = 20  # products with blocking findings looked at, by 30-day sales
WIN_BACK_RATE = Decimal("0.05")
WON_BACK_VALUE = Decimal("150.00")
GROWTH_DAYS = 7
CARRIER_DROP = Decimal("0.05")
CARRIER_MIN_PARCELS = 20
LATE_PARCEL_COST = Decimal("10.00")
DORMANT_STAGES = {"dormant", "lost"}
CARRIER_NAMES = dict(Carrier.choices)


@dataclass
class Candidate:
    kind: str
    title: str
    reason: str
    impact_amount: Decimal
    impact_formula: str
    url: str
    metric: str = ""
    detail: dict = field(default_factory=dict)


def yuan(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def console_url(name: str, args=(), query: str = "", fallback: str = "/") -> str:
    """The path of a console page (``admin:`` namespace), or ``fallback`` when the page is
    not registered."""
    try:
        path = reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return fallback
    return f"{path}?{query}" if query else path


def metric_name(code: str) -> str:
    metric = METRICS.get(code)
    return str(metric.name) if metric else code


def report_url(name: str, day: date, days: int = 1, extra: str = "") -> str:
    start = day - timedelta(days=days - 1)
    query = f"start={start.isoformat()}&end={(day + timedelta(days=1)).isoformat()}{extra}"
    return console_url("analytics_report", [name], query)


# --- anomalies -------------------------------------------------------------------------

def anomaly_url(anomaly: Anomaly, day: date) -> str:
    return console_url("insights_anomaly_change", [anomaly.pk],
                       fallback=report_url("overview", day))


def _explained(anomaly: Anomaly) -> str:
    if not anomaly.dimension:
        return ""
    label = anomaly.dimension_label or anomaly.dimension_value
    share = (f" ({anomaly.explained_share * 100:.0f} %)"
             if anomaly.explained_share is not None else "")
    return _("explained by %(dimension)s = %(value)s%(share)s") % {
        "dimension": dimension_label(anomaly.dimension), "value": label, "share": share}


def anomaly_formula(metric: str) -> str:
    """How the anomaly detection sized the anomaly (its formula per KPI)."""
    formula = FORMULAS.get(metric)
    return str(formula) if formula else _("the anomaly's estimated impact: |actual − expected| "
                                          "in yuan")


def day_anomalies(day: date) -> list[Anomaly]:
    start, end = day_range(day, day + timedelta(days=1))
    return list(Anomaly.objects.filter(period_start__gte=start, period_start__lt=end)
                .order_by("-impact_amount", "metric", "grain", "scope_key", "pk"))


def anomaly_candidates(day: date, anomalies: list[Anomaly]) -> list[Candidate]:
    found = []
    for anomaly in anomalies:
        impact = abs(anomaly.impact_amount or Decimal(0))
        if impact <= 0:
            continue
        name = metric_name(anomaly.metric)
        explained = _explained(anomaly)
        found.append(Candidate(
            kind="anomaly",
            title=_("Investigate: %(metric)s %(direction)s") % {
                "metric": name, "direction": anomaly.get_direction_display()},
            reason=_("%(metric)s was %(actual)s against %(expected)s expected (interval "
                     "%(lower)s–%(upper)s)") % {
                "metric": name, "actual": shown(anomaly.metric, anomaly.actual),
                "expected": shown(anomaly.metric, anomaly.expected),
                "lower": shown(anomaly.metric, anomaly.lower),
                "upper": shown(anomaly.metric, anomaly.upper)}
            + (f"; {explained}" if explained else ""),
            impact_amount=yuan(impact),
            impact_formula=anomaly_formula(anomaly.metric),
            url=anomaly_url(anomaly, day), metric=anomaly.metric,
            detail={"anomaly_id": anomaly.pk, "dimension": anomaly.dimension,
                    "dimension_value": anomaly.dimension_value}))
    return found


def shown(metric: str, value: Decimal) -> str:
    """A KPI's value as the screen shows it: a rate in percent, money in yuan."""
    unit = METRICS[metric].unit if metric in METRICS else "number"
    if unit == "rate":
        return f"{value * 100:.2f} %"
    if unit == "money":
        return f"¥{value:,.2f}"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


# --- listings --------------------------------------------------------------------------

def product_sales(day: date, product_ids: set[int]) -> dict[int, Decimal]:
    """Goods paid per product over the 30 days ending with ``day`` (warehouse)."""
    if not product_ids:
        return {}
    period = Period("month", day - timedelta(days=29), day + timedelta(days=1))
    try:
        values = engine.compute(["line_gmv"], [period], group_by="product_id")
    except WarehouseEmpty:
        return {}
    by_product = values.get("month", {})
    return {int(pid): yuan(row.get("line_gmv") or 0) for pid, row in by_product.items()
            if pid is not None and int(pid) in product_ids}


def listing_candidates(day: date) -> list[Candidate]:
    scores = {s.product_id: s for s in ProductScore.objects.filter(blocking_count__gt=0)
              .select_related("product")}
    sales = product_sales(day, set(scores))
    top = sorted(((gmv, pid) for pid, gmv in sales.items() if gmv > 0),
                 key=lambda item: (-item[0], item[1]))[:LISTING_TOP_PRODUCTS]
    found = []
    for gmv, product_id in top:
        score = scores[product_id]
        found.append(Candidate(
            kind="listing",
            title=_("Fix the listing of %(product)s (%(count)s blocking findings)") % {
                "product": score.product.title, "count": score.blocking_count},
            reason=_("30-day goods paid %(gmv)s; its listing has blocking findings") % {
                "gmv": f"¥{gmv:,}"},
            impact_amount=yuan(gmv * LISTING_AT_RISK_SHARE),
            impact_formula=_("30-day goods paid × %(share)s %% at risk while blocked") % {
                "share": f"{LISTING_AT_RISK_SHARE * 100:.0f}"},
            url=console_url("listing_productscore_change", [score.pk]), metric="line_gmv",
            detail={"product_id": product_id}))
    return found


# --- win-back --------------------------------------------------------------------------

def is_dormant_segment(definition: dict) -> bool:
    for condition in (definition or {}).get("conditions", []):
        if condition.get("field") != "lifecycle_stage":
            continue
        value = condition.get("value")
        values = set(value) if isinstance(value, list) else {value}
        if condition.get("op") in ("eq", "in") and values & DORMANT_STAGES:
            return True
    return False


def segment_growth(segment, day: date) -> tuple[int, int] | None:
    """(size at the end of ``day``, growth over the 7 days before), from the stored sizes."""
    _start, end = day_range(day, day + timedelta(days=1))
    week_ago = end - timedelta(days=GROWTH_DAYS)
    sizes = SegmentSize.objects.filter(segment=segment, measured_at__lt=end)
    latest = sizes.order_by("-measured_at", "-pk").values_list("member_count", flat=True).first()
    before = (sizes.filter(measured_at__lt=week_ago).order_by("-measured_at", "-pk")
              .values_list("member_count", flat=True).first())
    if before is None:
        before = sizes.order_by("measured_at", "pk").values_list("member_count", flat=True).first()
    if latest is None or before is None:
        return None
    return latest, latest - before


def won_back_value(segment) -> tuple[Decimal, bool]:
    """(value of a won-back customer, whether it is the members' mean CLV)."""
    mean = CustomerValue.objects.filter(customer_id__in=segment_member_ids(segment)) \
        .aggregate(mean=Avg("clv"))["mean"]
    return (yuan(mean), True) if mean else (WON_BACK_VALUE, False)


def winback_candidates(day: date) -> list[Candidate]:
    found = []
    for segment in list_segments(is_active=True):
        if not is_dormant_segment(segment.definition):
            continue
        growth = segment_growth(segment, day)
        if growth is None or growth[1] <= 0:
            continue
        size, grown = growth
        value, from_clv = won_back_value(segment)
        formula = (_("growth × %(rate)s %% won back × mean CLV of the members")
                   if from_clv else _("growth × %(rate)s %% won back × ¥%(value)s per customer"))
        found.append(Candidate(
            kind="winback",
            title=_("Raise a win-back campaign for %(segment)s") % {"segment": segment.name},
            reason=_("The segment grew by %(growth)s to %(size)s in 7 days") % {
                "growth": grown, "size": size},
            impact_amount=yuan(grown * WIN_BACK_RATE * value),
            impact_formula=formula % {"rate": f"{WIN_BACK_RATE * 100:.0f}", "value": value},
            url=console_url("marketing_campaign_add", query=f"segment={segment.pk}"),
            detail={"segment_id": segment.pk, "growth": grown, "size": size}))
    return found


# --- carriers --------------------------------------------------------------------------

def carrier_rates(day: date) -> dict:
    recent = Period("recent", day - timedelta(days=6), day + timedelta(days=1))
    before = Period("before", day - timedelta(days=13), day - timedelta(days=6))
    try:
        return engine.compute(["on_time_delivery_rate", "promised_deliveries"],
                              [recent, before], group_by="carrier")
    except WarehouseEmpty:
        return {}


def carrier_candidates(day: date) -> list[Candidate]:
    values = carrier_rates(day)
    found = []
    for carrier, now in sorted(values.get("recent", {}).items(), key=lambda item: str(item[0])):
        then = values.get("before", {}).get(carrier, {})
        rate, base = now.get("on_time_delivery_rate"), then.get("on_time_delivery_rate")
        parcels = int(now.get("promised_deliveries") or 0)
        if rate is None or base is None or parcels < CARRIER_MIN_PARCELS:
            continue
        drop = Decimal(str(base)) - Decimal(str(rate))
        if drop < CARRIER_DROP:
            continue
        found.append(Candidate(
            kind="carrier",
            title=_("Check carrier %(carrier)s: on-time delivery fell") % {
                "carrier": CARRIER_NAMES.get(carrier, carrier)},
            reason=_("On-time delivery %(now)s %% in the last 7 days against %(before)s %% "
                     "the 7 days before, on %(parcels)s promised parcels") % {
                "now": f"{Decimal(str(rate)) * 100:.1f}",
                "before": f"{Decimal(str(base)) * 100:.1f}", "parcels": parcels},
            impact_amount=yuan(drop * parcels * LATE_PARCEL_COST),
            impact_formula=_("fall of the on-time rate × promised parcels × ¥%(cost)s per late "
                             "parcel") % {"cost": LATE_PARCEL_COST},
            url=report_url("logistics", day, 7, f"&carrier={carrier}"),
            metric="on_time_delivery_rate", detail={"carrier": carrier}))
    return found
