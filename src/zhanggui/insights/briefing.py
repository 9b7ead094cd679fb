"""The daily briefing (运营日报) of a day D — built each morning for yesterday:

(a) what changed: the KPIs of D against the day before, the same weekday a week earlier and
    the same day a year earlier (``briefing_kpis``);
(b) the likely why: D's anomalies (``insights.Anomaly``, detected first by
    ``insights.anomaly_run.detect_anomalies`` when that module is there) with the dimension
    that explains each;
(c) at most ``MAX_ACTIONS`` actions ranked by estimated impact in yuan, each linking to the
    console page that does it (``briefing_candidates``, ``briefing_supply``).

``build_briefing`` stores it (``actions_briefing.store_briefing``, replacing the day's
earlier one), so building twice gives the same briefing.
"""

import importlib
import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from zhanggui.accounts.models import Staff
from zhanggui.analytics.errors import WarehouseEmpty
from zhanggui.core.timeutil import shop_today
from zhanggui.insights import actions_briefing, briefing_candidates, briefing_kpis, briefing_supply
from zhanggui.insights.briefing_candidates import Candidate, anomaly_url, metric_name
from zhanggui.insights.dimension_labels import dimension_label
from zhanggui.insights.models import Anomaly, Briefing

logger = logging.getLogger(__name__)

MAX_ACTIONS = 7
CAUSES_SHOWN = 10


def report_day() -> date:
    """The day this morning's briefing reports on: yesterday, shop time."""
    return shop_today() - timedelta(days=1)


def rank(candidates: Iterable[Candidate], limit: int = MAX_ACTIONS) -> list[Candidate]:
    """The ``limit`` candidates of largest impact, largest first; ties keep their order."""
    return sorted(candidates, key=lambda c: -c.impact_amount)[:limit]


def detect_first(day: date) -> None:
    """Run the anomaly detection of ``day`` when the anomalies module provides it
    (idempotent there); without it, the stored anomaly rows are read as they are."""
    try:
        module = importlib.import_module("zhanggui.insights.anomaly_run")
    except ModuleNotFoundError:
        return
    detect = getattr(module, "detect_anomalies", None)
    if detect is None:
        return
    try:
        detect(day=day)
    except WarehouseEmpty:  # nothing built yet: a briefing without anomalies
        logger.info("no anomaly detection for %s: the warehouse is empty", day)


def cause(anomaly: Anomaly, day: date) -> dict:
    return {"anomaly_id": anomaly.pk, "metric": anomaly.metric,
            "metric_name": metric_name(anomaly.metric), "grain": anomaly.grain,
            "period_start": anomaly.period_start.isoformat(), "scope": anomaly.scope,
            "direction": anomaly.direction, "actual": str(anomaly.actual),
            "expected": str(anomaly.expected), "lower": str(anomaly.lower),
            "upper": str(anomaly.upper), "impact_amount": str(anomaly.impact_amount),
            "dimension": anomaly.dimension, "dimension_name": dimension_label(anomaly.dimension),
            "dimension_value": anomaly.dimension_value,
            "dimension_label": anomaly.dimension_label,
            "explained_share": (None if anomaly.explained_share is None
                                else str(anomaly.explained_share)),
            "url": anomaly_url(anomaly, day)}


def _candidate_kinds(day: date, anomalies: list[Anomaly]) -> list[Callable[[], list]]:
    """Each kind's function, in the order ties between equal impacts keep."""
    return [lambda: briefing_candidates.anomaly_candidates(day, anomalies),
            briefing_supply.supply_candidates,
            lambda: briefing_candidates.listing_candidates(day),
            lambda: briefing_candidates.winback_candidates(day),
            lambda: briefing_candidates.carrier_candidates(day)]


def candidates(day: date, anomalies: list[Anomaly]) -> list[Candidate]:
    """Every kind's candidates; a kind that fails is logged and left out, so one broken
    source never costs the owner the whole briefing."""
    found: list[Candidate] = []
    for kind in _candidate_kinds(day, anomalies):
        try:
            found.extend(kind())
        except Exception:  # one kind's failure must not stop the briefing
            logger.exception("briefing candidates of one kind failed for %s", day)
    return found


def build_briefing(day: date | None = None, *, actor: Staff | None = None,
                   detect: bool = True) -> Briefing:
    """Compose and store the briefing of ``day`` (default: yesterday)."""
    day = day or report_day()
    if detect:
        detect_first(day)
    anomalies = briefing_candidates.day_anomalies(day)
    return actions_briefing.store_briefing(
        day, kpis=briefing_kpis.kpi_changes(day),
        causes=[cause(a, day) for a in anomalies[:CAUSES_SHOWN]],
        actions=rank(candidates(day, anomalies)), actor=actor)
