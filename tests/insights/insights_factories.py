"""Stored insights rows for the tests that only need them to exist (the page matrix, the
API permission matrix): one anomaly with its drill-down and task, one daily briefing."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from zhanggui.insights.actions_anomalies import Finding, record_anomalies
from zhanggui.insights.actions_briefing import store_briefing
from zhanggui.insights.briefing_candidates import Candidate
from zhanggui.insights.models import Anomaly, Briefing

DAY = date(2026, 5, 20)


def make_anomaly(day: date = DAY) -> Anomaly:
    finding = Finding(
        metric="payment_failure_rate", grain="day",
        period_start=datetime(day.year, day.month, day.day, tzinfo=ZoneInfo("Asia/Shanghai")),
        actual=Decimal("0.4200"), expected=Decimal("0.0500"), lower=Decimal("0.0100"),
        upper=Decimal("0.0900"), direction="up", score=Decimal("12.5"),
        impact_amount=Decimal("1195.69"), dimension="payment_method", dimension_value="wechat",
        dimension_label="微信支付", explained_share=Decimal("0.93"),
        drilldown=[{"dimension": "payment_method", "share": "0.9300",
                    "rows": [{"value": "wechat", "label": "微信支付", "actual": "0.8",
                              "expected": "0.05", "deviation": "0.34", "share": "0.93",
                              "volume": "40"}]}])
    [anomaly] = record_anomalies([finding])
    return anomaly


def make_briefing(day: date = DAY) -> Briefing:
    action = Candidate(kind="anomaly", title="排查：支付失败率 偏高", reason="微信支付失败",
                       impact_amount=Decimal("1195.69"), impact_formula="|actual − expected|",
                       url="/insights/anomaly/", metric="payment_failure_rate")
    return store_briefing(day, kpis=[], causes=[], actions=[action], actor=None)
