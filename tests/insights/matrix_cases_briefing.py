"""Setups of the permission matrix's rows for the daily briefing and the anomalies
(``/api/v1/insights/briefings…``, ``/api/v1/insights/anomalies…``)."""

from tests.api.case import Case
from tests.insights.insights_factories import DAY, make_anomaly, make_briefing


def latest() -> Case:
    make_briefing()
    return Case(check=lambda data, staff: data["day"] == DAY.isoformat() and [
        (a["rank"], a["impact_amount"]) for a in data["actions"]] == [(1, "1195.69")])


def of_day() -> Case:
    make_briefing()
    return Case(path={"day": DAY.isoformat()},
                check=lambda data, staff: data["actions"][0]["kind"] == "anomaly")


def anomalies() -> Case:
    anomaly = make_anomaly()
    return Case(query={"day": DAY.isoformat()}, check=lambda data, staff: [
        (row["id"], row["dimension_value"]) for row in data["items"]] == [(anomaly.pk, "wechat")])


def anomaly() -> Case:
    found = make_anomaly()
    return Case(path={"anomaly_id": found.pk}, check=lambda data, staff: (
        data["drilldown"][0]["dimension"] == "payment_method"))
