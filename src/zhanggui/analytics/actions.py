"""Writes of the analytics app: running the warehouse (the only thing it changes), and the
alerts its numbers raise (drop-ship ROI below the floor)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext

from zhanggui.accounts.actions import log_operation, raise_alert
from zhanggui.accounts.models import Alert, AlertKind, Staff
from zhanggui.analytics import after_refresh, dropship_report, reader, warehouse
from zhanggui.analytics.errors import WarehouseEmpty, WarehouseOutdated
from zhanggui.analytics.models import WarehouseRun
from zhanggui.catalog.models import Product
from zhanggui.core.timeutil import day_range, shop_today
from zhanggui.suppliers.models import Supplier
from zhanggui.suppliers.queries import get_policy


def refresh_warehouse(*, actor: Staff | None, full: bool = False,
                      compute_on_top: bool = True) -> WarehouseRun:
    """Refresh the warehouse incrementally (or rebuild it from scratch with ``full``) and
    record the run. The Parquet files are published atomically; the run record and the
    operation-log entry follow; after commit, the ROI check and the jobs registered in
    ``after_refresh`` (the demand forecasts, the segments, the campaign results) run —
    unless ``compute_on_top`` is off (a restore: the database already holds them)."""
    result = warehouse.rebuild() if full else warehouse.refresh()
    with transaction.atomic():
        run = _record(result, actor)
        if compute_on_top:
            transaction.on_commit(_check_dropship_roi)
            transaction.on_commit(lambda: after_refresh.run_jobs(run))
        return run


def _record(result: warehouse.RunResult, actor: Staff | None) -> WarehouseRun:
    run = WarehouseRun.objects.create(kind=result.kind, version=result.version,
                                      seconds=Decimal(f"{result.seconds:.3f}"), rows=result.rows,
                                      actor=actor)
    log_operation(run, action=f"analytics.{result.kind}_warehouse", actor=actor,
                  after={"version": result.version, "rows": result.rows})
    return run


def _check_dropship_roi() -> None:
    """After a refresh commits: the ROI check, in the background (eager without Redis)."""
    from zhanggui.analytics.tasks import check_dropship_roi_task

    check_dropship_roi_task.delay()


@transaction.atomic
def raise_dropship_roi_alerts(*, today: date | None = None) -> list[Alert]:
    """Raise a ``dropship_roi_low`` alert for each drop-ship product and supplier whose ROI
    (drop-ship GMV / ad spend allocated, ``dropship_report.dropship_roi``) over the 7 days up
    to ``today`` is below the supply policy's ``roi_alert_below`` — at most once a day per
    product or supplier (a shop-local day). Returns the alerts raised; none while the
    warehouse is empty or from before the supply tables."""
    today = today or shop_today()
    try:
        figures = dropship_report.dropship_roi(dropship_report.last_week(today))
        titles = dict(reader.query_cached("SELECT product_id, title FROM products"))
        names = {s: f"{c} {n}" for s, c, n in reader.query_cached(
            "SELECT supplier_id, code, name FROM suppliers")}
    except (WarehouseEmpty, WarehouseOutdated):
        return []
    floor = get_policy().roi_alert_below
    subjects = [(Product(pk=p), titles.get(p, str(p)), v) for p, v in figures.products.items()]
    subjects += [(Supplier(pk=s), names.get(s, str(s)), v) for s, v in figures.suppliers.items()]
    since, _until = day_range(today, today)
    raised = []
    for subject, label, values in subjects:
        if values["roi"] is None or values["roi"] >= float(floor):
            continue
        kind = subject._meta.label_lower
        if Alert.objects.filter(kind=AlertKind.DROPSHIP_ROI_LOW, object_type=kind,
                                object_id=str(subject.pk), created_at__gte=since).exists():
            continue
        raised.append(raise_alert(AlertKind.DROPSHIP_ROI_LOW, obj=subject, message=gettext(
            "Drop-ship ROI of %(subject)s over the last 7 days is %(roi).2f, below %(floor)s "
            "(GMV %(gmv)s, ad spend %(spend)s).") % {
                "subject": label, "roi": values["roi"], "floor": floor, "gmv": values["gmv"],
                "spend": values["ad_spend"]}))
    return raised
