"""Exports of the order list: small ones answered right away, big ones written by a
background job (eager Celery in tests) with progress, a status and a download that only the
requester (and the owner) may fetch; personal data masked and costs hidden per role."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.exports import actions, queries, sources
from zhanggui.exports.models import ExportJob, ExportStatus

EXPORT_URL = "admin:orders_order_export"


@pytest.fixture
def threshold(settings):
    def set_rows(rows: int) -> None:
        settings.ZHANGGUI = {**settings.ZHANGGUI, "EXPORT_BACKGROUND_ROWS": rows}
    return set_rows


@pytest.fixture
def orders(db):
    sku = factories.make_listed_sku(price="100.00", cost="40.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    return [factories.make_order(sku=sku, status="paid"),
            factories.make_order(sku=sku, status="paid", quantity=2),
            factories.make_order(sku=sku)]  # pending payment


def label(msgid: str) -> str:
    """A column's header as the Chinese console writes it."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _export(client, django_capture_on_commit_callbacks, query: str = "", file_format="csv"):
    url = reverse(EXPORT_URL) + (f"?{query}" if query else "")
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {"file_format": file_format})


def test_a_small_order_export_is_the_file_itself(login, orders, django_capture_on_commit_callbacks):
    client = login("operator")
    response = _export(client, django_capture_on_commit_callbacks, "status__exact=paid")
    assert response.status_code == 200
    assert 'filename="orders-' in response["Content-Disposition"]
    rows = _csv(response.content)
    assert rows[0][0] == label("order number") == "订单号"
    assert sorted(r[0] for r in rows[1:]) == sorted(o.number for o in orders[:2])
    assert not ExportJob.objects.exists()


def test_a_large_order_export_runs_in_the_background_and_downloads(
        login, orders, threshold, django_capture_on_commit_callbacks, export_dir):
    threshold(1)
    client = login("operator")
    response = _export(client, django_capture_on_commit_callbacks, "status__exact=paid")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_page", args=[job.pk])
    assert job.status == ExportStatus.DONE and job.rows_written == job.rows_total == 2
    assert OperationLog.objects.filter(action="exports.request_export",
                                       object_id=str(job.pk), actor=client.staff).exists()
    status = client.get(reverse("admin:exports_exportjob_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["rows_written"] == 2 and status["progress"] == 1
    page = client.get(response["Location"])
    assert reverse("admin:exports_exportjob_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    assert download.status_code == 200
    rows = _csv(b"".join(download.streaming_content))
    assert sorted(r[0] for r in rows[1:]) == sorted(o.number for o in orders[:2])
    assert [p.name for p in export_dir.iterdir()] == [job.file_name]  # no partial file left


def test_a_large_excel_export_keeps_amounts_as_numbers(
        login, orders, threshold, django_capture_on_commit_callbacks):
    threshold(0)
    client = login("operator")
    _export(client, django_capture_on_commit_callbacks, "", file_format="xlsx")
    job = ExportJob.objects.get()
    download = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    assert job.download_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    payable = header.index(label("amount payable")) + 1
    values = sorted(sheet.cell(row=r, column=payable).value for r in range(2, sheet.max_row + 1))
    assert values == [100, 100, 200] and sheet.max_row == 4


@pytest.mark.parametrize(("role", "name", "phone", "street", "has_cost"), [
    ("service", "张**", "138****0000", "西湖区文三路****", False),
    ("finance", "张**", "138****0000", "西湖区文三路****", True),
    ("owner", "张三丰", "13800000000", "西湖区文三路 100 号", True),
])
def test_the_order_export_masks_personal_data_and_hides_cost_by_role(
        login, orders, threshold, django_capture_on_commit_callbacks,
        role, name, phone, street, has_cost):
    threshold(1)
    client = login(role)
    _export(client, django_capture_on_commit_callbacks, "status__exact=paid")
    job = ExportJob.objects.get()
    download = client.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    header, *rows = _csv(b"".join(download.streaming_content))
    record = dict(zip(header, rows[0], strict=True))
    assert (record[label("recipient")], record[label("recipient phone")],
            record[label("street address")]) == (name, phone, street)
    assert (label("goods cost") in header) is has_cost
    if has_cost:
        records = [dict(zip(header, r, strict=True)) for r in rows]
        costs = {r[label("order number")]: r[label("goods cost")] for r in records}
        assert costs == {orders[0].number: "40.00", orders[1].number: "80.00"}


def test_only_the_requester_and_the_owner_see_an_export(
        client, login, orders, threshold, django_capture_on_commit_callbacks):
    threshold(0)
    requester = login("operator")
    _export(requester, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    urls = [reverse(f"admin:exports_exportjob_{name}", args=[job.pk])
            for name in ("page", "status", "download")]
    other = factories.make_staff("operator")
    client.force_login(other)
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    assert job not in client.get(reverse("admin:exports_exportjob_changelist")).context["cl"].result_list
    client.force_login(factories.make_staff("owner"))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_an_export_is_a_post(login, orders):
    client = login("operator")
    assert client.get(reverse(EXPORT_URL), {"file_format": "csv"}).status_code == 405
    assert not ExportJob.objects.exists()


def test_a_role_without_orders_may_not_export_them(login, orders):
    client = login("designer")
    assert client.post(reverse(EXPORT_URL), {"file_format": "csv"}).status_code == 403


def test_a_failing_export_is_failed_with_its_message_and_serves_no_file(
        login, monkeypatch, django_capture_on_commit_callbacks, export_dir):
    client = login("operator")

    def rows():
        yield ["1"]
        raise RuntimeError("the database went away")

    monkeypatch.setitem(sources._SOURCES, "broken", lambda parameters, staff: sources.Export(
        tables=[sources.Table("t", [sources.Column("n")], rows())], total_rows=9,
        file_stem="broken"))
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.request_export("broken", file_format="csv", parameters={}, title="broken",
                                     total_rows=9, actor=client.staff)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "the database went away" in job.error
    assert not export_dir.exists() or not any(export_dir.iterdir())  # the partial file is gone
    status = client.get(reverse("admin:exports_exportjob_status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["is_finished"]
    assert client.get(reverse("admin:exports_exportjob_download", args=[job.pk])).status_code == 404
    assert "the database went away" in client.get(
        reverse("admin:exports_exportjob_page", args=[job.pk])).content.decode()


def test_old_export_files_are_deleted(login, orders, threshold,
                                      django_capture_on_commit_callbacks, export_dir):
    threshold(0)
    client = login("operator")
    _export(client, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert actions.delete_expired_exports() == 0
    later = timezone.now() + timedelta(days=8)
    assert actions.delete_expired_exports(now=later) == 1
    job.refresh_from_db()
    assert job.is_file_deleted and not (export_dir / job.file_name).exists()
    assert client.get(reverse("admin:exports_exportjob_download", args=[job.pk])).status_code == 404


def test_the_background_threshold_is_a_setting(settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "EXPORT_BACKGROUND_ROWS": 7}
    assert queries.background_threshold() == 7
