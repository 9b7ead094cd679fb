"""Fixtures of the import tests: small files the tests write (CSV in any encoding, .xlsx),
a helper that imports through the one code path every import takes, and a digest of the
business tables to prove that a re-import or a failed import changed nothing."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import Workbook

from zhanggui.aftersales.models import Refund
from zhanggui.catalog.models import Category, Product, Sku
from zhanggui.customers.models import Customer
from zhanggui.fulfillment.models import Shipment
from zhanggui.imports import actions, queries
from zhanggui.inventory.models import Reservation, Stock, StockMovement, Warehouse
from zhanggui.orders.models import Order, OrderLine, Payment

BUSINESS_MODELS = (Category, Product, Sku, Customer, Warehouse, Stock, StockMovement, Reservation,
                   Order, OrderLine, Payment, Refund, Shipment)


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def business_digest() -> str:
    """A SHA-256 over every row of the business tables (all columns, by primary key)."""
    digest = hashlib.sha256()
    for model in BUSINESS_MODELS:
        for row in model.objects.order_by("pk").values():
            digest.update(json.dumps(row, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def run_import(path: Path, kind: str, format_name: str = "zhanggui", *, actor=None,
               dry_run: bool = False, channel: str = "", item_path: Path | None = None,
               profile_file: Path | None = None, skip_invalid: bool = False):
    profile, saved = queries.resolve_profile(kind, format_name, profile_file=profile_file)
    run = actions.create_import_run(path, kind=kind, profile=profile, actor=actor,
                                    channel=channel, dry_run=dry_run, item_path=item_path,
                                    saved_profile=saved, skip_invalid=skip_invalid)
    return actions.execute_import_run(run)


def errors_of(run) -> list[tuple[str, int, str]]:
    return [(e.source, e.line, e.column) for e in queries.error_rows(run, siblings=False)]


def report_of(run) -> list[list[str]]:
    """The downloadable error report's rows (without the header)."""
    text = "".join(queries.error_report_lines(run)).removeprefix("\ufeff")
    return list(csv.reader(io.StringIO(text)))[1:]


@pytest.fixture(autouse=True)
def english():
    """Messages in English so that tests can match them (the UI default is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def imports_dir(settings, tmp_path):
    settings.ZHANGGUI_IMPORTS_DIR = str(tmp_path / "store")
    return tmp_path
