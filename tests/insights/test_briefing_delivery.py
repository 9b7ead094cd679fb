"""The briefing delivered: e-mail once to the right people, the API's JSON and its 403,
the console pages (briefing, history, rebuild, metric glossary) and the owner's workbench,
the morning tasks and the job after a warehouse refresh."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.accounts.roles import Role
from zhanggui.insights import briefing, briefing_mail, tasks_briefing
from zhanggui.insights.briefing_candidates import Candidate
from zhanggui.insights.models import Anomaly, Briefing, BriefingAction

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def stored(db, warehouse_dir):
    """Yesterday's briefing, its payment-failure anomaly the cause and the top action."""
    day = briefing.report_day()
    Anomaly.objects.create(
        metric="payment_failure_rate", grain="day",
        period_start=datetime(day.year, day.month, day.day, tzinfo=SHANGHAI),
        actual=Decimal("0.4"), expected=Decimal("0.05"), lower=Decimal("0.01"),
        upper=Decimal("0.09"), direction="up", score=Decimal("9"),
        impact_amount=Decimal("5000.00"), dimension="payment_method", dimension_value="alipay",
        dimension_label="支付宝", detected_at=timezone.now())
    return briefing.build_briefing(day, detect=False)


def _staff(role: str, *, email: str = "", active: bool = True):
    staff = factories.make_staff(role)
    staff.email, staff.is_active = email, active
    staff.save()
    return staff


# --- e-mail ----------------------------------------------------------------------------

def test_the_briefing_is_emailed_once_to_active_owners_with_an_address(stored, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ZHANGGUI_PUBLIC_URL = "https://shop.example"
    _staff(Role.OWNER, email="boss@example.com")
    _staff(Role.OWNER, email="gone@example.com", active=False)
    _staff(Role.OWNER)  # no address
    _staff(Role.OPERATOR, email="operator@example.com")  # may not receive it
    assert briefing_mail.send_briefing(stored.day) == 1
    assert [m.to for m in mail.outbox] == [["boss@example.com"]]
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert "https://shop.example/" in message.body and "https://shop.example/" in html
    assert "¥5000.00" in message.body.replace(",", "")
    stored.refresh_from_db()
    assert stored.emailed_at is not None
    assert briefing_mail.send_briefing(stored.day) == 0  # once per day
    assert len(mail.outbox) == 1
    assert OperationLog.objects.filter(action="insights.email_briefing").count() == 1


def test_nothing_is_sent_without_a_briefing(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _staff(Role.OWNER, email="boss@example.com")
    assert briefing_mail.send_briefing(date(2026, 1, 1)) == 0
    assert mail.outbox == []


def test_the_email_task_waits_for_its_time_then_builds_and_sends(db, warehouse_dir, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _staff(Role.OWNER, email="boss@example.com")
    settings.ZHANGGUI_BRIEFING_EMAIL_AT = "23:59"
    if not tasks_briefing.is_due("23:59"):
        assert tasks_briefing.email_briefing_task() == 0
        assert not Briefing.objects.exists()
    settings.ZHANGGUI_BRIEFING_EMAIL_AT = "00:00"
    assert tasks_briefing.email_briefing_task() == 1
    assert Briefing.objects.get().day == briefing.report_day()
    assert tasks_briefing.email_briefing_task() == 0
    assert len(mail.outbox) == 1


def test_is_due_compares_shop_time():
    morning = datetime(2026, 12, 7, 7, 29, tzinfo=SHANGHAI)
    assert not tasks_briefing.is_due("07:30", morning)
    assert tasks_briefing.is_due("07:30", morning + timedelta(minutes=1))
    assert tasks_briefing.time_of_day(" 8:05 ").minute == 5


def test_the_morning_task_builds_yesterday_once(db, warehouse_dir, settings):
    settings.ZHANGGUI_BRIEFING_AT = "00:00"
    first = tasks_briefing.morning_briefing_task()
    assert Briefing.objects.get(pk=first).day == briefing.report_day()
    assert tasks_briefing.morning_briefing_task() is None  # already there


def test_after_a_refresh_yesterdays_briefing_is_built_when_missing(db, warehouse_dir, settings):
    settings.ZHANGGUI_BRIEFING_AFTER_REFRESH = True
    tasks_briefing.briefing_after_refresh(None)
    built = Briefing.objects.get()
    tasks_briefing.briefing_after_refresh(None)
    assert Briefing.objects.get().generated_at == built.generated_at
    settings.ZHANGGUI_BRIEFING_AFTER_REFRESH = False
    Briefing.objects.all().delete()
    tasks_briefing.briefing_after_refresh(None)
    assert not Briefing.objects.exists()


def test_the_after_refresh_job_is_registered():
    from zhanggui.analytics import after_refresh

    assert after_refresh.JOBS["insights.briefing"] is tasks_briefing.briefing_after_refresh


# --- API -------------------------------------------------------------------------------

def test_the_api_gives_the_latest_briefing_and_a_days(stored, login):
    client = login(Role.OWNER)
    latest = client.get("/api/v1/insights/briefings/latest")
    assert latest.status_code == 200, latest.content
    body = latest.json()
    assert body["day"] == stored.day.isoformat()
    assert set(body) == {"day", "generated_at", "emailed_at", "kpis", "causes", "actions"}
    top = body["actions"][0]
    assert top == {"rank": 1, "kind": "anomaly", "title": top["title"], "reason": top["reason"],
                   "impact_amount": "5000.00", "impact_formula": top["impact_formula"],
                   "url": top["url"], "metric": "payment_failure_rate"}
    assert body["causes"][0]["dimension_label"] == "支付宝"
    assert body["causes"][0]["impact_amount"] == "5000.00"
    same = client.get(f"/api/v1/insights/briefings/{stored.day.isoformat()}")
    assert same.json() == body
    missing = client.get("/api/v1/insights/briefings/2001-01-01")
    assert missing.status_code == 404 and missing.json()["code"] == "briefing_not_found"
    wrong = client.get("/api/v1/insights/briefings/2001-13-01")
    assert wrong.status_code == 422 and wrong.json()["code"] == "briefing_day_invalid"


def test_the_api_refuses_a_role_without_the_permission(stored, login, client):
    assert client.get("/api/v1/insights/briefings/latest").status_code == 401
    designer = login(Role.DESIGNER)
    answer = designer.get("/api/v1/insights/briefings/latest")
    assert answer.status_code == 403 and answer.json()["code"] == "permission_denied"
    assert designer.get("/api/v1/insights/briefings/not-a-day").status_code == 403
    finance = login(Role.FINANCE)  # finance may read the briefing
    assert finance.get("/api/v1/insights/briefings/latest").status_code == 200


def test_the_api_has_no_briefing_before_the_first(db, login):
    answer = login(Role.OWNER).get("/api/v1/insights/briefings/latest")
    assert answer.status_code == 404


# --- console ---------------------------------------------------------------------------

def test_the_owner_sees_the_briefing_page_with_its_actions_kpis_and_causes(stored, login):
    client = login(Role.OWNER)
    page = client.get(reverse("admin:insights_briefing_day", args=[stored.day.isoformat()]))
    assert page.status_code == 200
    html = page.content.decode()
    top = stored.actions.get(rank=1)
    assert top.title in html and f'href="{escape(top.url)}"' in html
    assert "支付宝" in html
    assert client.get(reverse("admin:insights_briefing_latest")).status_code == 200
    history = client.get(reverse("admin:insights_briefing_list"))
    assert history.status_code == 200 and stored.day.isoformat() in history.content.decode()
    assert client.get(reverse("admin:insights_briefing_day", args=["2001-01-01"])).status_code == 404
    assert client.get(reverse("admin:insights_briefing_day", args=["not-a-day"])).status_code == 404


def test_the_latest_page_without_any_briefing_says_so(db, login):
    page = login(Role.OWNER).get(reverse("admin:insights_briefing_latest"))
    assert page.status_code == 200 and 'id="briefing-none"' in page.content.decode()


def test_roles_without_the_permission_get_403(stored, login):
    designer = login(Role.DESIGNER)
    assert designer.get(reverse("admin:insights_briefing_latest")).status_code == 403
    assert designer.get(reverse("admin:insights_briefing_list")).status_code == 403
    assert designer.get(reverse("admin:analytics_metric_glossary")).status_code == 403


def test_rebuild_needs_add_briefing_and_replaces_the_day(stored, login):
    finance = login(Role.FINANCE)  # may view, may not rebuild
    url = reverse("admin:insights_briefing_rebuild")
    assert finance.post(url, {"day": stored.day.isoformat()}).status_code == 403
    assert Briefing.objects.get().generated_at == stored.generated_at
    owner = login(Role.OWNER)
    answer = owner.post(url, {"day": stored.day.isoformat()})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("admin:insights_briefing_day",
                                         args=[stored.day.isoformat()])
    rebuilt = Briefing.objects.get()
    assert rebuilt.generated_at > stored.generated_at
    assert BriefingAction.objects.filter(briefing=rebuilt).count() == stored.actions.count()
    assert OperationLog.objects.filter(action="insights.store_briefing",
                                       actor=owner.staff).count() == 1


def test_the_metric_glossary_lists_every_metric_with_an_anchor(db, login):
    from zhanggui.analytics.metrics import METRICS

    page = login(Role.ANALYST).get(reverse("admin:analytics_metric_glossary"))
    assert page.status_code == 200
    html = page.content.decode()
    for code in METRICS:
        assert f'id="{code}"' in html
    assert METRICS["payment_failure_rate"].formula in html


def test_the_owners_workbench_shows_todays_briefing(stored, login):
    owner = login(Role.OWNER)
    html = owner.get(reverse("admin:index")).content.decode()
    assert 'id="workbench-briefing"' in html
    top = stored.actions.get(rank=1)
    assert top.title in html and "¥5000.00" in html.replace(",", "")
    operator = login(Role.OPERATOR)
    assert 'id="workbench-briefing"' not in operator.get(reverse("admin:index")).content.decode()


def test_the_workbench_says_when_yesterdays_briefing_is_missing(db, login):
    html = login(Role.OWNER).get(reverse("admin:index")).content.decode()
    assert 'id="workbench-briefing-missing"' in html


def test_at_most_seven_actions_are_stored(db, warehouse_dir, monkeypatch):
    many = [Candidate(kind="anomaly", title=f"t{n}", reason="", impact_amount=Decimal(n),
                      impact_formula="f", url="/") for n in range(12)]
    monkeypatch.setattr(briefing, "candidates", lambda day, anomalies: many)
    built = briefing.build_briefing(date(2026, 3, 1), detect=False)
    assert [a.title for a in built.actions.order_by("rank")] == [f"t{n}" for n in range(11, 4, -1)]
