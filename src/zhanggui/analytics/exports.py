"""A report's tables (and KPIs) as CSV or Excel, numbers as numbers, rates as fractions
formatted as percentages in Excel."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext, pgettext
from openpyxl import Workbook

from zhanggui.analytics import queries
from zhanggui.exports.sources import Column, Export, Table


def _kpi_table(report: dict) -> dict:
    return {"id": "kpis", "title": report["title"], "columns": [
        {"key": "name", "label": "指标", "unit": "text"},
        {"key": "value", "label": "本期", "unit": "number"},
        {"key": "previous", "label": "上期", "unit": "number"},
        {"key": "last_year", "label": "去年同期", "unit": "number"},
        {"key": "change_previous", "label": "环比", "unit": "rate"},
        {"key": "change_last_year", "label": "同比", "unit": "rate"}],
        "rows": [_with_comparisons(kpi) for kpi in report["kpis"]]}


def _with_comparisons(kpi: dict) -> dict:
    """The KPI row with its changes as the page shows them: a fraction where a percentage is
    honest, else 新增, "—" or both numbers (``rules.compare``)."""
    return {**kpi, **{f"change_{key}": _comparison_cell(kpi.get(f"comparison_{key}"), kpi)
                      for key in ("previous", "last_year")}}


def _comparison_cell(comparison: dict | None, kpi: dict):
    if comparison is None:
        return None
    if comparison["kind"] == "rate":
        return comparison["rate"]
    if comparison["kind"] == "new":
        return pgettext("comparison", "new")
    if comparison["kind"] == "none":
        return "—"
    return f"{_plain(comparison['base'], kpi['unit'])} → {_plain(comparison['current'], kpi['unit'])}"


def _plain(value, unit: str) -> str:
    if unit == "rate":
        return f"{float(value):.2%}"
    return str(value)


def tables_of(report: dict) -> list[dict]:
    return [_kpi_table(report), *report["tables"]]


def _cell(value):
    if isinstance(value, list | tuple | dict):
        return str(value)
    return value


def to_csv(report: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for table in tables_of(report):
        writer.writerow([table["title"]])
        writer.writerow([c["label"] for c in table["columns"]])
        for row in table["rows"]:
            writer.writerow(["" if row.get(c["key"]) is None else _cell(row.get(c["key"]))
                             for c in table["columns"]])
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def to_xlsx(report: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables_of(report):
        sheet = book.create_sheet(title=str(table["title"])[:31] or table["id"])
        sheet.append([c["label"] for c in table["columns"]])
        for row in table["rows"]:
            sheet.append([_excel(row.get(c["key"])) for c in table["columns"]])
        for index, column in enumerate(table["columns"], start=1):
            if column["unit"] in ("rate", "money"):
                fmt = "0.00%" if column["unit"] == "rate" else "#,##0.00"
                for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cells[0].number_format = fmt
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _excel(value):
    if isinstance(value, Decimal):
        return value  # openpyxl writes Decimal as a number
    return _cell(value)


# ---- background exports (zhanggui.exports): the same tables, as a registered source ------

REPORT_EXPORT_KIND = "report"


def row_count(report: dict) -> int:
    return sum(len(table["rows"]) for table in tables_of(report))


def as_export(report: dict) -> Export:
    """A computed report as an export of the exports app: one table per report table."""
    tables = [Table(title=str(table["title"]),
                    columns=[Column(str(c["label"]), c["unit"]) for c in table["columns"]],
                    rows=[[_excel(row.get(c["key"])) for c in table["columns"]]
                          for row in table["rows"]])
              for table in tables_of(report)]
    stamp = f"{report['period']['start']}_{report['period']['end']}"
    return Export(tables=tables, total_rows=row_count(report),
                  file_stem=f"{report['report']}_{stamp}", title=str(report["title"]))


def export_parameters(name: str, report: dict, cleaned: dict) -> dict:
    """A job's parameters for this report as shown: its period pinned (a default period
    moves with the day), the other filters as given."""
    parameters = {"name": name, "start": str(report["period"]["start"]),
                  "end": str(report["period"]["end"])}
    for key in ("compare_start", "compare_end", "channel", "category_id", "warehouse_id", "carrier"):
        if cleaned.get(key) not in (None, ""):
            value = cleaned[key]
            parameters[key] = value if isinstance(value, int | str) else value.isoformat()
    return parameters


def build_report_export(parameters: dict, staff) -> Export:
    """The source of report exports: runs the report again in the worker.

    Raises:
        PermissionDenied: ``staff`` may no longer read reports.
        DomainError: the parameters no longer give a valid report.
    """
    if not staff.has_perm("analytics.view_reports"):
        raise PermissionDenied(gettext("You may no longer read the reports."))
    filters = dict(parameters)
    name = filters.pop("name")
    for key in ("start", "end", "compare_start", "compare_end"):
        if filters.get(key):
            filters[key] = date.fromisoformat(filters[key])
    return as_export(queries.run_report(queries.parse_request(
        name, access=queries.viewer_access(staff), **filters)))
