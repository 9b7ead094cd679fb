"""Today's key numbers against yesterday at the same clock time, live from the database.

The analytics warehouse may lag by minutes; a store team looking at its morning wants
"today so far" against "yesterday until the same time" (同时段), so these few figures are
counted here from the orders and after-sales tables (three indexed range queries), with the
names and formulas of the analytics metric registry and its honest comparison rules
(``COMPARISON_MIN_BASE``: no percentage on a tiny base).

- ``gmv``: Σ paid amount of orders paid in the window (cancelled orders never count);
- ``orders_paid``: count of the same orders;
- ``ship_within_48h_rate``: of the orders whose 48 hours after payment ended in the window
  (paid in the window shifted back 48 hours: an order paid a minute ago cannot be judged
  yet), the share whose first parcel was collected, or handed over without a collection
  scan, within them; orders marked shipped with no parcel hand-over on record are left out,
  as the logistics report does;
- ``aftersales_requests``: after-sales (refund, return, exchange) requests opened in the
  window.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models import DateTimeField as DateTimeOutput
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.analytics.logistics_metrics import SHIP_HOURS
from zhanggui.analytics.metrics import METRICS
from zhanggui.analytics.reports import compare
from zhanggui.analytics.rules import Comparison, ratio
from zhanggui.fulfillment.models import Shipment, ShipmentStatus
from zhanggui.orders.models import Order, OrderStatus


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def condition(self, column: str) -> Q:
        return Q(**{f"{column}__gte": self.start, f"{column}__lt": self.end})

    def shifted(self, delta: timedelta) -> "Window":
        return Window(self.start - delta, self.end - delta)


def windows(now: datetime) -> tuple[Window, Window]:
    """(today from midnight until ``now``, yesterday from midnight until the same clock
    time), in the shop's time zone."""
    local = timezone.localtime(now)
    today = timezone.make_aware(datetime.combine(local.date(), time.min))
    yesterday = timezone.make_aware(datetime.combine(local.date() - timedelta(days=1), time.min))
    return Window(today, now), Window(yesterday, yesterday + (now - today))


@dataclass(frozen=True)
class Figure:
    code: str
    name: str
    formula: str
    unit: str  # money, count or rate (a fraction)
    today: object
    yesterday: object
    comparison: Comparison
    note: str = ""
    permission: str = ""


_NOTES = {
    "ship_within_48h_rate": _("Orders whose 48 hours after payment ended in the window: paid "
                              "between 48 hours before its start and 48 hours before its "
                              "end (an order paid today cannot be judged yet). Orders marked "
                              "shipped with no parcel hand-over on record are left out."),
    "aftersales_requests": _("Refund, return and exchange requests opened in the window."),
}
_PERMISSIONS = {"gmv": "orders.view_order", "orders_paid": "orders.view_order",
                "ship_within_48h_rate": "orders.view_order",
                "aftersales_requests": "aftersales.view_aftersalesrequest"}
CODES = tuple(_PERMISSIONS)


def _definition(code: str) -> tuple:
    metric = METRICS[code]
    return metric.name, metric.formula, metric.unit


def _paid(today: Window, yesterday: Window) -> dict:
    """GMV and paid orders of both windows: one range query on the paid_at index."""
    orders = Order.objects.filter(paid_at__gte=yesterday.start, paid_at__lt=today.end).exclude(
        status=OrderStatus.CANCELLED)
    result = {}
    for label, window in (("today", today), ("yesterday", yesterday)):
        result[f"gmv_{label}"] = Sum("paid_amount", filter=window.condition("paid_at"))
        result[f"orders_{label}"] = Count("id", filter=window.condition("paid_at"))
    return orders.aggregate(**result)


def _shipped_in_time(today: Window, yesterday: Window) -> dict:
    """Orders whose 48 hours ended in each window (those due), and those of them whose first
    parcel was handed over in time. Due leaves out the orders marked shipped or later with no
    parcel handed over (``ship_unrecorded_orders`` of the logistics report)."""
    delta = timedelta(hours=SHIP_HOURS)
    cohorts = {"today": today.shifted(delta), "yesterday": yesterday.shifted(delta)}
    handed = (Shipment.objects.exclude(status=ShipmentStatus.CANCELLED)
              .annotate(handed_over_at=Coalesce("collected_at", "shipped_at"))
              .filter(handed_over_at__isnull=False))
    # An order's parcels: the ones opened for it, and those carrying its lines (a merged
    # parcel's first order is another). Two EXISTS, each on its foreign-key index (an OR
    # of the two joins inside one EXISTS walks every parcel).
    own = handed.filter(order=OuterRef("pk"))
    carrying = handed.filter(lines__order_line__order=OuterRef("pk"))
    in_time = Q(handed_over_at__lte=OuterRef("deadline"))
    orders = (Order.objects.filter(paid_at__gte=cohorts["yesterday"].start,
                                   paid_at__lt=cohorts["today"].end)
              .exclude(status=OrderStatus.CANCELLED)
              .annotate(deadline=ExpressionWrapper(F("paid_at") + delta,
                                                   output_field=DateTimeOutput()))
              .annotate(own=Exists(own), carrying=Exists(carrying),
                        own_in_time=Exists(own.filter(in_time)),
                        carrying_in_time=Exists(carrying.filter(in_time))))
    shipped_in_time = Q(own_in_time=True) | Q(carrying_in_time=True)
    unrecorded = (Q(own=False, carrying=False)
                  & ~Q(status__in=(OrderStatus.PAID, OrderStatus.REVIEWED)))
    result = {}
    for label, window in cohorts.items():
        due = window.condition("paid_at") & ~unrecorded
        result[f"due_{label}"] = Count("id", filter=due)
        result[f"shipped_{label}"] = Count("id", filter=due & shipped_in_time)
    return orders.aggregate(**result)


def _requests(today: Window, yesterday: Window) -> dict:
    requests = AftersalesRequest.objects.filter(requested_at__gte=yesterday.start,
                                                requested_at__lt=today.end)
    return requests.aggregate(today=Count("id", filter=today.condition("requested_at")),
                              yesterday=Count("id", filter=yesterday.condition("requested_at")))


def _figure(code: str, today, yesterday, *, size=None) -> Figure:
    name, formula, unit = _definition(code)
    comparison = (compare(today, yesterday, unit) if size is None
                  else compare(today, yesterday, unit, size=size, size_unit="count"))
    return Figure(code, name, formula, unit, today, yesterday, comparison,
                  _NOTES.get(code, ""), _PERMISSIONS[code])


def key_numbers(now: datetime, codes=CODES) -> list[Figure]:
    """The figures of ``codes`` for today until ``now`` against yesterday until the same
    clock time; only the queries the codes need run."""
    today, yesterday = windows(now)
    figures: dict[str, Figure] = {}
    if {"gmv", "orders_paid"} & set(codes):
        paid = _paid(today, yesterday)
        figures["gmv"] = _figure("gmv", paid["gmv_today"] or Decimal("0.00"),
                                 paid["gmv_yesterday"] or Decimal("0.00"))
        figures["orders_paid"] = _figure("orders_paid", paid["orders_today"],
                                         paid["orders_yesterday"])
    if "ship_within_48h_rate" in codes:
        shipped = _shipped_in_time(today, yesterday)
        figures["ship_within_48h_rate"] = _figure(
            "ship_within_48h_rate", ratio(shipped["shipped_today"], shipped["due_today"]),
            ratio(shipped["shipped_yesterday"], shipped["due_yesterday"]),
            size=shipped["due_yesterday"])
    if "aftersales_requests" in codes:
        opened = _requests(today, yesterday)
        figures["aftersales_requests"] = _figure("aftersales_requests", opened["today"],
                                                 opened["yesterday"])
    return [figures[code] for code in codes if code in figures]


def visible_codes(user) -> tuple[str, ...]:
    return tuple(code for code in CODES if user.has_perm(_PERMISSIONS[code]))
