"""Custom profiles (a JSON column mapping) and the ``zhanggui import`` command."""

import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.imports.conftest import run_import, write_csv
from zhanggui.core.errors import InvalidInput
from zhanggui.imports import actions
from zhanggui.imports.models import ImportProfile, ImportRun
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "erp-export", "kind": "orders",
    "columns": {"单号": "order_id", "时间": "placed_at", "客户": ["customer_id", "customer_name"],
                "货号": "sku_code", "品名": "product_title", "数量": "quantity", "单价": "unit_price",
                "状态": "status", "备用": ""},
    "options": {"date_format": "%d/%m/%Y %H:%M", "delimiter": ";", "default_channel": "erp",
                "value_maps": {"status": {"完成": "completed", "已退": "cancelled"}}},
}
ROWS = [["单号", "时间", "客户", "货号", "品名", "数量", "单价", "状态", "备用"],
        ["E-1", "03/01/2024 10:00", "王五", "X1", "茶叶", "2", "88.00", "完成", "?"],
        ["E-2", "04/01/2024 11:30", "赵六", "X1", "茶叶", "1", "88.00", "已退", ""]]


@pytest.fixture
def erp_files(tmp_path):
    profile = tmp_path / "erp.json"
    profile.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    data = write_csv(tmp_path / "erp.csv", ROWS, encoding="gbk", delimiter=";")
    return profile, data


def test_custom_profile_file_maps_any_layout(erp_files):
    profile, data = erp_files

    run = run_import(data, "orders", profile_file=profile)

    assert run.status == "succeeded", run.message
    first = Order.objects.get(external_id="E-1")
    assert (first.channel, first.customer.nickname, first.status) == ("erp", "王五", "completed")
    assert first.placed_at.date().isoformat() == "2024-01-03"
    assert Order.objects.get(external_id="E-2").status == "cancelled"


def test_saved_profile_is_used_by_name(erp_files, owner):
    _profile, data = erp_files
    actions.save_import_profile("erp", kind="orders", columns=PROFILE["columns"],
                                options=PROFILE["options"], actor=owner)

    run = run_import(data, "orders", "erp")

    assert run.status == "succeeded" and run.profile == ImportProfile.objects.get(name="erp")
    assert Order.objects.count() == 2


def test_profile_without_required_fields_is_refused(owner):
    with pytest.raises(InvalidInput, match="order_id"):
        actions.save_import_profile("broken", kind="orders", columns={"时间": "placed_at"}, actor=owner)
    with pytest.raises(InvalidInput, match="unknown field"):
        actions.save_import_profile("x", kind="customers", columns={"a": "customer_id", "b": "shoe"},
                                    actor=owner)
    assert not ImportProfile.objects.exists()


def test_cli_imports_with_a_profile_file(erp_files, capsys):
    profile, data = erp_files

    call_command("import", "orders", str(data), profile_file=str(profile), no_progress=True)

    out = capsys.readouterr().out
    assert "2 rows imported: 2 created" in out
    assert Order.objects.count() == 2


def test_cli_dry_run_writes_nothing(erp_files, capsys):
    profile, data = erp_files

    call_command("import", "orders", str(data), "--dry-run", "--profile-file", str(profile),
                 "--no-progress")

    assert "Dry run" in capsys.readouterr().out
    assert not Order.objects.exists()
    assert ImportRun.objects.get().is_dry_run


def test_cli_fails_with_error_report_when_rows_fail(tmp_path, erp_files):
    profile, _data = erp_files
    data = write_csv(tmp_path / "bad.csv", [ROWS[0], ["E-3", "31/02/2024 10:00", "王五", "X1", "茶叶",
                                                      "two", "88", "完成", ""]],
                     encoding="gbk", delimiter=";")
    report = tmp_path / "errors.csv"

    with pytest.raises(CommandError) as failure:
        call_command("import", "orders", str(data), profile_file=str(profile), no_progress=True,
                     error_report=str(report))

    assert failure.value.returncode == 1
    with report.open(encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))
    assert rows[0] == ["file", "line", "column", "value", "reason"]
    assert [(r[1], r[2]) for r in rows[1:]] == [("2", "时间"), ("2", "数量")]
    assert not Order.objects.exists()


def test_cli_rejects_unknown_format(tmp_path):
    data = write_csv(tmp_path / "x.csv", [["a"], ["b"]])

    with pytest.raises(CommandError, match="No format"):
        call_command("import", "orders", str(data), format_name="amazon", no_progress=True)
