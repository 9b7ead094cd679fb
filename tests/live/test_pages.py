from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_listed_sku, make_staff
from tests.live.live_factories import ended_session, metrics_csv, planned_session
from zhanggui.accounts.roles import Role
from zhanggui.analytics import warehouse
from zhanggui.live.models import LiveMetric, LiveSession, SessionStatus
from zhanggui.tasks.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    operator = make_staff(Role.OPERATOR)
    client.force_login(operator)
    client.staff = operator
    return client


def _segment_row(index: int, sku, minutes: int, points: str) -> dict:
    prefix = f"segments-{index}"
    return {f"{prefix}-place": "", f"{prefix}-product": sku.product_id, f"{prefix}-sku": sku.pk,
            f"{prefix}-start_minute": "0", f"{prefix}-minutes": str(minutes),
            f"{prefix}-talking_points": points, f"{prefix}-flash_price_amount": "79.00",
            f"{prefix}-flash_cap": "20", f"{prefix}-coupon_template": ""}


def test_plan_in_the_change_page(operator_client):
    first, second = make_listed_sku(), make_listed_sku()
    start = timezone.localtime() + timedelta(days=1)
    data = {"title": "周五晚场", "channel": "", "host": "", "host_name": "小雨",
            "scheduled_at_0": start.strftime("%Y-%m-%d"), "scheduled_at_1": "20:00:00",
            "planned_minutes": "60", "gmv_target_amount": "10000", "script": "开场福袋",
            "segments-TOTAL_FORMS": "2", "segments-INITIAL_FORMS": "0",
            "segments-MIN_NUM_FORMS": "0", "segments-MAX_NUM_FORMS": "1000",
            **_segment_row(0, first, 20, "面料"), **_segment_row(1, second, 15, "尺码"), "_save": "1"}
    response = operator_client.post(reverse("admin:live_livesession_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session = LiveSession.objects.get()
    assert [(s.position, s.start_minute, s.minutes) for s in session.segments.all()] == [
        (1, 0, 20), (2, 20, 15)]
    page = operator_client.get(reverse("admin:live_run_sheet", args=[session.pk]))
    assert page.status_code == 200
    assert "20:00–20:20" in page.content.decode() and "开场福袋" in page.content.decode()


def test_start_import_review_report(operator_client):
    session = planned_session(actor=operator_client.staff, scheduled_at=timezone.now())
    start = reverse("admin:live_livesession_start_one", args=[session.pk])
    assert operator_client.post(start, {"post": "yes"}).status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.LIVE
    upload = SimpleUploadedFile("live.csv", metrics_csv(
        [(m, 100, 90, 60, 10, 1, 20, 2, "200.00") for m in range(20)]), content_type="text/csv")
    response = operator_client.post(reverse("admin:live_metrics_import", args=[session.pk]),
                                    {"file": upload})
    assert response.status_code == 302
    assert LiveMetric.objects.filter(session=session).count() == 20
    page = operator_client.get(reverse("admin:live_metrics", args=[session.pk])).content.decode()
    assert "¥2000.00" in page  # GPM: 4000 / 2000 × 1000 (zh-hans: no grouping)
    operator_client.post(reverse("admin:live_livesession_end_one", args=[session.pk]), {"post": "yes"})
    response = operator_client.post(reverse("admin:live_review", args=[session.pk]), {
        "summary": "ok", "lessons": "讲解太长", "action_0": "缩短讲解", "assignee_0": "",
        "action_1": "", "assignee_1": "", "action_2": "", "assignee_2": ""})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.REVIEWED
    assert Task.objects.filter(kind="live_action", title="缩短讲解").exists()
    # The live report is the analytics report ``live`` (tests/live/test_report.py).
    warehouse.refresh()
    report = operator_client.get(reverse("admin:analytics_report", args=["live"])).context["report"]
    sessions = next(t for t in report["tables"] if t["id"] == "sessions")["rows"]
    assert sessions[0]["title"] == session.title and sessions[0]["live_gmv"] == Decimal("4000.00")


def test_bad_csv_shows_lines(operator_client):
    session = ended_session(actor=operator_client.staff)
    upload = SimpleUploadedFile("live.csv", metrics_csv([(0, "x", 1, 1, 1, 1, 1, 1, 1)]))
    response = operator_client.post(reverse("admin:live_metrics_import", args=[session.pk]),
                                    {"file": upload}, follow=True)
    assert "line 2" in response.content.decode() or "第" in response.content.decode()
    assert not LiveMetric.objects.exists()


def test_wrong_role_is_refused_and_nothing_changes(client):
    session = ended_session()
    client.force_login(make_staff(Role.ANALYST))
    assert client.get(reverse("admin:live_metrics", args=[session.pk])).status_code == 200
    upload = SimpleUploadedFile("live.csv", metrics_csv([(0, 1, 1, 1, 1, 1, 1, 1, 1)]))
    assert client.post(reverse("admin:live_metrics_import", args=[session.pk]),
                       {"file": upload}).status_code == 403
    assert client.post(reverse("admin:live_review", args=[session.pk]),
                       {"lessons": "x"}).status_code == 403
    assert not LiveMetric.objects.exists()
    client.force_login(make_staff(Role.WAREHOUSE))
    assert client.get(reverse("admin:live_report")).status_code == 403
    assert client.get(reverse("admin:live_run_sheet", args=[session.pk])).status_code == 403


def test_get_on_post_only_pages_is_refused(operator_client):
    session = ended_session()
    assert operator_client.get(reverse("admin:live_metrics_import", args=[session.pk])).status_code == 405
