"""Report exports beyond the row threshold: a background job writes the same tables, with
the report's period pinned; the customers report still alerts the owner."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from zhanggui.accounts.models import Alert, AlertKind
from zhanggui.exports.models import ExportJob, ExportStatus

QUERY = {"start": "2026-11-01", "end": "2026-11-08"}


@pytest.fixture
def analyst(client, store, settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "EXPORT_BACKGROUND_ROWS": 3}
    client.staff = factories.make_staff("analyst")
    client.force_login(client.staff)
    return client


def _post(client, name, file_format, capture):
    url = reverse("admin:analytics_report", args=[name])
    with capture(execute=True):
        return client.post(f"{url}?{urlencode(QUERY)}", {"export": file_format})


def test_a_large_report_export_is_written_in_the_background(
        analyst, django_capture_on_commit_callbacks):
    response = _post(analyst, "overview", "csv", django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:exports_exportjob_page", args=[job.pk])
    assert job.kind == "report" and job.status == ExportStatus.DONE
    assert job.parameters == {"name": "overview", **QUERY}
    assert job.download_name == "overview_2026-11-01_2026-11-08.csv"
    download = analyst.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert job.rows_written > 3
    assert any("410.00" in row for row in rows)  # GMV, as on the page


def test_a_large_report_export_to_excel_keeps_numbers(analyst, django_capture_on_commit_callbacks):
    _post(analyst, "overview", "xlsx", django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    download = analyst.get(reverse("admin:exports_exportjob_download", args=[job.pk]))
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0]["B2"].value == 410


def test_a_small_report_export_stays_immediate(analyst, settings,
                                                django_capture_on_commit_callbacks):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "EXPORT_BACKGROUND_ROWS": 100_000}
    response = _post(analyst, "overview", "csv", django_capture_on_commit_callbacks)
    assert response["Content-Disposition"].endswith('.csv"')
    assert not ExportJob.objects.exists()


def test_a_background_customers_report_export_alerts_the_owner(
        analyst, django_capture_on_commit_callbacks):
    _post(analyst, "customers", "xlsx", django_capture_on_commit_callbacks)
    assert ExportJob.objects.get().status == ExportStatus.DONE
    alert = Alert.objects.get(kind=AlertKind.CUSTOMER_EXPORT)
    assert alert.actor == analyst.staff and "XLSX" in alert.message


def test_a_report_export_fails_when_the_requester_lost_the_permission(analyst):
    from zhanggui.exports import actions, queries

    url = reverse("admin:analytics_report", args=["overview"])
    analyst.post(f"{url}?{urlencode(QUERY)}", {"export": "csv"})  # queued: the test never commits
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.QUEUED
    analyst.staff.groups.clear()
    job = actions.run_export(queries.get_job(job.pk))
    assert job.status == ExportStatus.FAILED and job.error
