"""The derived service tables: clocks per ticket and inquiry outcomes, over ``service_store``."""

import random
from datetime import time, timedelta

import pytest

from tests.analytics.service_store import at, build_service, ticket
from zhanggui.analytics import reader, warehouse
from zhanggui.service import queries as service_queries
from zhanggui.service.models import ServicePolicy
from zhanggui.service.rules import working_seconds_between


@pytest.fixture
def desk(db, warehouse_dir):
    return build_service()


def test_ticket_facts_count_resolution_in_working_hours(desk):
    rows = dict(reader.query("SELECT number, resolution_hours FROM ticket_facts"))
    assert rows["T1"] == pytest.approx(2.0)
    assert rows["T2"] == pytest.approx(2.0)  # 12 calendar hours, 10 of them at night
    assert rows["T3"] == pytest.approx(28.0)  # closed, never marked resolved
    assert rows["T4"] is None and rows["T5"] is None


def test_ticket_facts_first_response_in_calendar_minutes(desk):
    rows = dict(reader.query("SELECT number, first_response_minutes FROM ticket_facts"))
    assert rows["T1"] == pytest.approx(2.0) and rows["T3"] == pytest.approx(30.0)
    assert rows["T4"] is None


def test_an_inquiry_converts_when_its_customer_pays_within_the_window(desk):
    rows = dict(reader.query(
        "SELECT t.number, i.converted FROM inquiry_outcomes i JOIN tickets t USING (ticket_id)"))
    assert rows == {"T1": True, "T2": False, "T4": True, "T5": False}  # T3 is a complaint


def test_working_hours_in_the_warehouse_equal_the_service_desks_clock(db, warehouse_dir):
    """The SQL of ``ticket_facts`` against ``service.rules.working_seconds_between`` on tickets
    opened and resolved at random moments (nights, weekends, several days) under a policy of
    weekdays 09:30–18:00."""
    policy = ServicePolicy.objects.create(working_start=time(9, 30), working_end=time(18, 0),
                                          working_days="12345")
    hours = service_queries.working_hours(policy)
    chance = random.Random(16)
    start = at("2026-11-01 00:00")
    expected = {}
    for n in range(40):
        opened = start + timedelta(minutes=chance.randrange(0, 14 * 24 * 60))
        minutes = chance.randrange(1, 120) if n % 2 else chance.randrange(120, 5 * 24 * 60)
        resolved = opened + timedelta(minutes=minutes)
        ticket(f"W{n}", channel="chat", kind="inquiry", customer=None, agent=None,
               opened=opened.isoformat()[:16], resolved=resolved.isoformat()[:16])
        opened, resolved = at(opened.isoformat()[:16]), at(resolved.isoformat()[:16])
        expected[f"W{n}"] = working_seconds_between(opened, resolved, hours) / 3600
    warehouse.rebuild()
    rows = dict(reader.query("SELECT number, resolution_hours FROM ticket_facts"))
    assert rows == pytest.approx(expected)
    values = expected.values()
    assert any(0 < v < 1 for v in values) and any(v == 0 for v in values) and max(values) > 20
