"""Anomalies stored: upserted on their key, one task each, the operation log; the API."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from zhanggui.accounts.models import OperationLog
from zhanggui.accounts.roles import Role
from zhanggui.insights.actions_anomalies import Finding, record_anomalies
from zhanggui.insights.models import Anomaly
from zhanggui.tasks.models import Task, TaskStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _finding(**changes) -> Finding:
    values = dict(
        metric="payment_failure_rate", grain="day", period_start=datetime(2026, 5, 20, tzinfo=SHANGHAI),
        actual=Decimal("0.4200"), expected=Decimal("0.0500"), lower=Decimal("0.0100"),
        upper=Decimal("0.0900"), direction="up", score=Decimal("12.5"),
        impact_amount=Decimal("6100.00"), dimension="payment_method", dimension_value="wechat",
        dimension_label="WeChat Pay", explained_share=Decimal("0.93"),
        drilldown=[{"dimension": "payment_method", "share": "0.9300",
                    "rows": [{"value": "wechat", "label": "WeChat Pay", "actual": "0.8",
                              "expected": "0.05", "deviation": "0.34", "share": "0.93",
                              "volume": "40"}]}])
    values.update(changes)
    return Finding(**values)


def test_a_new_anomaly_is_stored_with_one_task_for_the_operator_and_logged(db):
    [anomaly] = record_anomalies([_finding()])
    assert anomaly.task is not None
    assert anomaly.task.kind == "kpi_anomaly" and anomaly.task.role == Role.OPERATOR
    assert "Payment failure rate" in anomaly.task.title and "2026-05-20" in anomaly.task.title
    assert "WeChat Pay" in anomaly.task.detail
    log = OperationLog.objects.get(action="insights.anomaly_detected")
    assert log.object_id == str(anomaly.pk) and log.after["impact_amount"] == "6100.00"


def test_recording_again_updates_the_row_and_opens_no_second_task(db):
    [first] = record_anomalies([_finding()])
    [again] = record_anomalies([_finding(actual=Decimal("0.4500"), impact_amount=Decimal("6500.00"))])
    assert again.pk == first.pk and Anomaly.objects.count() == 1
    assert again.actual == Decimal("0.4500") and again.impact_amount == Decimal("6500.00")
    assert Task.objects.count() == 1 and again.task_id == first.task_id
    assert OperationLog.objects.filter(action="insights.anomaly_updated").count() == 1
    record_anomalies([_finding(actual=Decimal("0.4500"), impact_amount=Decimal("6500.00"))])
    assert OperationLog.objects.filter(action="insights.anomaly_updated").count() == 1  # no change


def test_a_resolved_task_is_not_opened_again(db):
    [anomaly] = record_anomalies([_finding()])
    Task.objects.filter(pk=anomaly.task_id).update(status=TaskStatus.RESOLVED)
    record_anomalies([_finding()])
    assert Task.objects.count() == 1


def test_another_scope_or_hour_is_another_anomaly(db):
    record_anomalies([_finding(), _finding(scope_key="source=ads", scope={"source": "ads"}),
                      _finding(grain="hour", period_start=datetime(2026, 5, 20, 14, tzinfo=SHANGHAI))])
    assert Anomaly.objects.count() == 3 and Task.objects.count() == 3


def test_the_api_lists_and_shows_anomalies_with_their_drill_down(db, login):
    [anomaly] = record_anomalies([_finding()])
    client = login(Role.OPERATOR)
    listed = client.get("/api/v1/insights/anomalies?day=2026-05-20")
    assert listed.status_code == 200
    [row] = listed.json()["items"]
    assert row["id"] == anomaly.pk and row["impact_amount"] == "6100.00"
    assert row["dimension_label"] == "WeChat Pay" and row["task_id"] == anomaly.task_id
    assert "支付尝试次数" in row["impact_formula"]  # the API answers in Chinese
    assert client.get("/api/v1/insights/anomalies?day=2026-05-21").json()["items"] == []
    assert client.get("/api/v1/insights/anomalies?metric=gmv").json()["items"] == []
    detail = client.get(f"/api/v1/insights/anomalies/{anomaly.pk}").json()
    assert detail["drilldown"][0]["dimension"] == "payment_method"
    assert detail["drilldown"][0]["rows"][0]["share"] == "0.93"
    missing = client.get("/api/v1/insights/anomalies/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "anomaly_not_found"


def test_the_api_refuses_without_the_permission(db, login, client):
    [anomaly] = record_anomalies([_finding()])
    assert client.get("/api/v1/insights/anomalies").status_code == 401
    designer = login(Role.DESIGNER)
    for url in ("/api/v1/insights/anomalies", f"/api/v1/insights/anomalies/{anomaly.pk}"):
        answer = designer.get(url)
        assert answer.status_code == 403 and answer.json()["code"] == "permission_denied"


def test_the_console_lists_an_anomaly_and_shows_its_drill_down_and_task(db, login):
    [anomaly] = record_anomalies([_finding()])
    client = login(Role.OPERATOR)
    listed = client.get(reverse("admin:insights_anomaly_changelist"))
    assert listed.status_code == 200
    text = listed.content.decode()
    assert "42.0 %" in text and "5.0 %" in text and ("6100.00" in text or "6,100.00" in text)
    assert "WeChat Pay (93 %)" in text
    page = client.get(reverse("admin:insights_anomaly_change", args=[anomaly.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "下钻" in body and "80.0 %" in body and "34.0 %" in body
    assert anomaly.task.title in body
    assert "支付尝试次数" in body  # how the impact is estimated


def test_the_console_refuses_a_role_without_the_permission(db, login):
    [anomaly] = record_anomalies([_finding()])
    designer = login(Role.DESIGNER)
    assert designer.get(reverse("admin:insights_anomaly_changelist")).status_code == 403
    assert designer.get(reverse("admin:insights_anomaly_change", args=[anomaly.pk])).status_code == 403
