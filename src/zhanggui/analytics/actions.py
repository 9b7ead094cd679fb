"""Writes of the analytics app: running the warehouse (the only thing it changes)."""

from decimal import Decimal

from django.db import transaction

from zhanggui.accounts.actions import log_operation
from zhanggui.accounts.models import Staff
from zhanggui.analytics import warehouse
from zhanggui.analytics.models import WarehouseRun


def refresh_warehouse(*, actor: Staff | None, full: bool = False) -> WarehouseRun:
    """Refresh the warehouse incrementally (or rebuild it from scratch with ``full``) and
    record the run. The Parquet files are published atomically; the run record and the
    operation-log entry follow."""
    result = warehouse.rebuild() if full else warehouse.refresh()
    with transaction.atomic():
        return _record(result, actor)


def _record(result: warehouse.RunResult, actor: Staff | None) -> WarehouseRun:
    run = WarehouseRun.objects.create(kind=result.kind, version=result.version,
                                      seconds=Decimal(f"{result.seconds:.3f}"), rows=result.rows,
                                      actor=actor)
    log_operation(run, action=f"analytics.{result.kind}_warehouse", actor=actor,
                  after={"version": result.version, "rows": result.rows})
    return run
