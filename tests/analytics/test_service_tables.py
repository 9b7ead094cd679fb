"""The derived service tables: clocks per ticket and inquiry outcomes, over ``service_store``."""

import pytest

from tests.analytics.service_store import build_service
from zhanggui.analytics import reader


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
