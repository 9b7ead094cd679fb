"""A report's tables (and KPIs) as CSV or Excel, numbers as numbers, rates as fractions
formatted as percentages in Excel."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook


def _kpi_table(report: dict) -> dict:
    return {"id": "kpis", "title": report["title"], "columns": [
        {"key": "name", "label": "指标", "unit": "text"},
        {"key": "value", "label": "本期", "unit": "number"},
        {"key": "previous", "label": "上期", "unit": "number"},
        {"key": "last_year", "label": "去年同期", "unit": "number"},
        {"key": "change_previous", "label": "环比", "unit": "rate"},
        {"key": "change_last_year", "label": "同比", "unit": "rate"}], "rows": report["kpis"]}


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
