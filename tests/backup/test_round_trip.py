"""A backup restored into a fresh installation gives back every row, file and sequence."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests import factories
from tests.backup.support import (
    fingerprints,
    make_fresh_installation,
    media_bytes,
    read_manifest,
    rewrite_archive,
)
from tests.demo.conftest import FAST_HASHERS, TODAY
from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.analytics import reader, storage
from zhanggui.analytics.actions import refresh_warehouse
from zhanggui.analytics.models import WarehouseRun
from zhanggui.inventory.models import Stock
from zhanggui.orders.models import Order

# The restore's warehouse rebuild records a run and writes its operation-log entry.
WRITTEN_BY_REBUILD = {"analytics_warehouserun": WarehouseRun, "accounts_operationlog": OperationLog}


def _rows(model, up_to: int) -> list[tuple]:
    return list(model.objects.filter(pk__lte=up_to).order_by("pk").values_list())


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_table_the_media_and_the_warehouse(settings, tmp_path, media_root):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", "--scale", "0.01", "--today", TODAY.isoformat(), stdout=StringIO())
    source_version = refresh_warehouse(actor=None, full=True).version
    before = fingerprints()
    orders = list(Order.objects.order_by("pk").values_list(
        "number", "total_amount", "placed_at", "pricing_breakdown", "recipient_phone"))
    stock = list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved", "available"))
    last = {table: model.objects.order_by("-pk").values_list("pk", flat=True).first()
            for table, model in WRITTEN_BY_REBUILD.items()}
    kept = {table: _rows(model, last[table]) for table, model in WRITTEN_BY_REBUILD.items()}
    files = media_bytes(media_root)
    archive = tmp_path / "shop.tar.gz"

    call_command("backup", "--output", str(archive), stdout=StringIO())

    manifest = read_manifest(archive)
    assert {t["table"]: (t["rows"], t["sha256"]) for t in manifest["tables"]} == before
    assert min(before["orders_order"][0], before["traffic_event"][0], before["auth_group"][0]) > 0
    make_fresh_installation()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    settings.ZHANGGUI_WAREHOUSE_DIR = tmp_path / "fresh-warehouse"
    reader.forget()
    out = StringIO()

    call_command("restore", str(archive), stdout=out)

    after = fingerprints()
    for table, counted in before.items():
        if table not in WRITTEN_BY_REBUILD:
            assert after[table] == counted, table
    for table, model in WRITTEN_BY_REBUILD.items():
        assert after[table][0] == before[table][0] + 1
        assert _rows(model, last[table]) == kept[table]
    assert list(Order.objects.order_by("pk").values_list(
        "number", "total_amount", "placed_at", "pricing_breakdown", "recipient_phone")) == orders
    assert list(Stock.objects.order_by("pk").values_list(
        "pk", "on_hand", "reserved", "available")) == stock
    assert media_bytes(settings.MEDIA_ROOT) == files
    assert storage.read_manifest().version == source_version + 1
    assert dict(reader.query("SELECT 'orders', count(*) FROM orders")) == {
        "orders": before["orders_order"][0]}
    rows = sum(count for count, _ in before.values())
    assert re.search(rf"(?<!\d){rows}(?!\d)", out.getvalue())  # the row count, in any language
    # Roles, content types and ids line up again, and new rows get new ids.
    owner = Staff.objects.filter(groups__name="owner").first()
    assert owner.has_perm("orders.view_order") and owner.has_perm("catalog.view_cost")
    assert ContentType.objects.get_for_model(Order).model_class() is Order
    newcomer = factories.make_staff("operator")
    assert newcomer.pk > max(Staff.objects.exclude(pk=newcomer.pk).values_list("pk", flat=True))
    assert list(newcomer.groups.values_list("name", flat=True)) == ["operator"]
    factories.make_order()
    Group.objects.create(name="temporary")


@pytest.mark.django_db(transaction=True)
def test_restore_of_a_damaged_archive_is_refused_and_changes_nothing(settings, tmp_path, media_root):
    factories.make_order(customer=factories.make_customer())
    archive, damaged = tmp_path / "shop.tar.gz", tmp_path / "damaged.tar.gz"
    call_command("backup", "--output", str(archive), stdout=StringIO())

    columns = next(t["columns"] for t in read_manifest(archive)["tables"] if t["table"] == "orders_order")
    amount = [c["name"] for c in columns].index("total_amount")

    def change_one_amount(name: str, data: bytes) -> bytes:
        if name != "tables/orders_order.jsonl":
            return data
        row = json.loads(data)
        row[amount] = "0.01"
        return json.dumps(row).encode() + b"\n"

    rewrite_archive(archive, damaged, change_one_amount)
    make_fresh_installation()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    before = fingerprints()

    with pytest.raises(CommandError, match=r"orders_order\.jsonl"):
        call_command("restore", str(damaged), "--skip-warehouse", stdout=StringIO())

    assert fingerprints() == before
    assert media_bytes(tmp_path / "fresh-media") == {}
    assert not list(tmp_path.glob(".zhanggui-restore-*"))
    assert not (tmp_path / "warehouse" / "manifest.json").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_of_a_damaged_media_file_is_refused_and_changes_nothing(settings, tmp_path, media_root):
    factories.make_product()
    archive, damaged = tmp_path / "shop.tar.gz", tmp_path / "damaged.tar.gz"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    rewrite_archive(archive, damaged, lambda name, data: data[:-1] + b"!" if name.startswith("media/")
                    else data)
    make_fresh_installation()
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    before = fingerprints()

    with pytest.raises(CommandError, match="media/products"):
        call_command("restore", str(damaged), "--skip-warehouse", stdout=StringIO())

    assert fingerprints() == before
    assert media_bytes(tmp_path / "fresh-media") == {}


def test_manifest_is_the_first_entry_and_lists_columns(tmp_path, db, media_root):
    archive = tmp_path / "shop.tar.gz"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    manifest = read_manifest(archive)
    stock = next(t for t in manifest["tables"] if t["table"] == "inventory_stock")
    assert {"name": "available", "kind": "int"} in stock["columns"]
    assert [m["path"] for m in manifest["media"]] == ["products/2026/cover.jpg", "products/detail 详情.png"]
    assert json.dumps(manifest["migrations"]["accounts"]).count("0001_initial") == 1
