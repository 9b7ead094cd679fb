"""Reads of the analytics app that the API, the console and the CLI share."""

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
from django.utils.translation import gettext as _

from zhanggui.analytics import reader, reports
from zhanggui.analytics.engine import Filters
from zhanggui.analytics.errors import InvalidFilter, InvalidPeriod, UnknownReport, WarehouseEmpty
from zhanggui.analytics.report_base import NO_ACCESS, Access
from zhanggui.analytics.rules import Period
from zhanggui.core.timeutil import shop_today
from zhanggui.fulfillment.models import Carrier

CARRIERS = set(Carrier.values)

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ReportRequest:
    """A report request as it arrives (API query or console form), validated."""

    name: str
    period: Period
    compare: Period | None
    filters: Filters
    access: Access = NO_ACCESS  # cost figures and supplier names (the supply reports)


def viewer_access(user) -> Access:
    """What ``user`` may see in the supply reports beyond the reports themselves."""
    return Access(cost=user.has_perm("catalog.view_cost"),
                  suppliers=user.has_perm("suppliers.view_supplier"))


def parse_request(name: str, *, start: date | None = None, end: date | None = None,
                  compare_start: date | None = None, compare_end: date | None = None,
                  channel: str = "", category_id: int | None = None,
                  warehouse_id: int | None = None, carrier: str = "",
                  access: Access = NO_ACCESS) -> ReportRequest:
    """Validate a request. ``end`` is exclusive; without dates, the last 30 days up to today
    (today included).

    Raises:
        UnknownReport: no report of that name.
        InvalidPeriod: the end is not after the start, the period is longer than three years,
            or only one end of the comparison period is given.
        InvalidFilter: a carrier that is none of ``fulfillment.Carrier`` (the warehouse and
            carrier filters apply to the logistics report; the others ignore them).
    """
    if name not in reports.REPORTS:
        raise UnknownReport(name=name)
    end = end or (shop_today() + timedelta(days=1))
    start = start or (end - timedelta(days=DEFAULT_DAYS))
    if end <= start:
        raise InvalidPeriod(problem=_("the end must be after the start"))
    if (end - start).days > MAX_DAYS:
        raise InvalidPeriod(problem=_("a period is at most three years"))
    if (compare_start is None) != (compare_end is None):
        raise InvalidPeriod(problem=_("give both ends of the comparison period"))
    compare = None
    if compare_start is not None:
        if compare_end <= compare_start:
            raise InvalidPeriod(problem=_("the comparison period must end after it starts"))
        compare = Period("previous", compare_start, compare_end)
    carrier = carrier.strip()
    if carrier and carrier not in CARRIERS:
        raise InvalidFilter(problem=_("there is no carrier %(carrier)s") % {"carrier": carrier})
    return ReportRequest(name=name, period=Period("current", start, end), compare=compare,
                         filters=Filters(channel=channel.strip(), category_id=category_id,
                                         warehouse_id=warehouse_id, carrier=carrier),
                         access=access)


def run_report(request: ReportRequest) -> dict:
    build = reports.REPORTS[request.name]
    if request.name in reports.WITH_ACCESS:  # they mask costs and supplier names
        return build(request.period, request.compare, request.filters,
                     access=request.access).as_dict()
    return build(request.period, request.compare, request.filters).as_dict()


def filter_choices() -> tuple[list[str], list[tuple[int, str]]]:
    """The channels and categories the warehouse knows (for the report filters); empty
    lists before the first refresh. Categories come in tree order, indented by level."""
    try:
        channels = [c for (c,) in reader.query("SELECT DISTINCT channel FROM orders ORDER BY 1")]
        rows = reader.query("SELECT category_id, name, parent_id, level FROM categories")
    except WarehouseEmpty:
        return [], []
    children: dict = {}
    for category_id, name, parent_id, level in rows:
        children.setdefault(parent_id, []).append((category_id, name, level))
    ordered: list[tuple[int, str]] = []

    def walk(parent) -> None:
        for category_id, name, level in sorted(children.get(parent, []), key=lambda r: r[1]):
            ordered.append((category_id, "　" * (level - 1) + name))
            walk(category_id)

    walk(None)
    return channels, ordered


def logistics_choices() -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """The warehouses the warehouse knows and the carriers (for the logistics filters)."""
    try:
        warehouses = [(w, name) for w, name in reader.query(
            "SELECT warehouse_id, name FROM warehouses ORDER BY warehouse_id")]
    except (WarehouseEmpty, duckdb.Error):  # none yet, or a warehouse built before parcels
        warehouses = []
    return warehouses, [(code, str(label)) for code, label in Carrier.choices]


def list_metrics() -> list[dict]:
    from zhanggui.analytics.metrics import METRICS

    return [{"code": m.code, "name": str(m.name), "formula": m.formula, "unit": m.unit,
             "notes": str(m.notes), "source": m.source,
             "derived_from": [m.numerator, m.denominator] if not m.is_base else []}
            for m in METRICS.values()]
