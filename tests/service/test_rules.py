"""The desk's pure rules: working-time clocks (properties), numbers, canned variables and
keyword matching."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhanggui.service import rules

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS = rules.WorkingHours(days=frozenset({1, 2, 3, 4, 5}), start=time(9), end=time(18),
                              tz=SHANGHAI)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


hours_strategy = st.builds(
    lambda days, start, length: rules.WorkingHours(
        days=frozenset(days), start=time(start), end=time(min(start + length, 23), 59),
        tz=SHANGHAI),
    st.sets(st.integers(1, 7), min_size=1), st.integers(0, 20), st.integers(1, 12))
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31),
                       timezones=st.just(UTC))
minutes = st.integers(0, 60 * 24 * 10)


def test_a_clock_inside_working_hours_runs_on_the_same_day():
    assert rules.add_working_minutes(at("2026-12-07 10:00"), 3, WEEKDAYS) == at("2026-12-07 10:03")


def test_a_ticket_opened_at_night_starts_its_clock_at_the_next_opening():
    assert rules.add_working_minutes(at("2026-12-07 20:00"), 3, WEEKDAYS) == at("2026-12-08 09:03")


def test_the_weekend_is_skipped():
    # Friday 17:00 + 2 working hours = Monday 10:00
    assert rules.add_working_minutes(at("2026-12-11 17:00"), 120, WEEKDAYS) == at("2026-12-14 10:00")


def test_resolution_of_24_working_hours_spans_days():
    # 9 working hours a day: 24 h from Monday 09:00 = Wednesday 15:00
    assert rules.add_working_minutes(at("2026-12-07 09:00"), 24 * 60, WEEKDAYS) == at(
        "2026-12-09 15:00")


def test_negative_minutes_and_naive_moments_are_refused():
    with pytest.raises(ValueError):
        rules.add_working_minutes(at("2026-12-07 10:00"), -1, WEEKDAYS)
    with pytest.raises(ValueError):
        rules.add_working_minutes(datetime(2026, 12, 7, 10), 1, WEEKDAYS)


def test_working_days_must_be_iso_weekdays():
    assert rules.parse_working_days("135") == frozenset({1, 3, 5})
    for bad in ("", "08", "1a"):
        with pytest.raises(ValueError):
            rules.parse_working_days(bad)


@settings(max_examples=200, deadline=None)
@given(hours_strategy, moments, minutes, minutes)
def test_the_clock_is_monotone_in_minutes(hours, moment, first, second):
    low, high = sorted((first, second))
    assert rules.add_working_minutes(moment, low, hours) <= rules.add_working_minutes(
        moment, high, hours)


@settings(max_examples=200, deadline=None)
@given(hours_strategy, moments, moments, minutes)
def test_the_clock_is_monotone_in_the_start(hours, first, second, count):
    early, late = sorted((first, second))
    assert rules.add_working_minutes(early, count, hours) <= rules.add_working_minutes(
        late, count, hours)


@settings(max_examples=200, deadline=None)
@given(hours_strategy, moments, minutes)
def test_a_due_time_never_falls_in_closed_hours_and_counts_exactly(hours, moment, count):
    due = rules.add_working_minutes(moment, count, hours)
    assert due >= moment
    assert rules.is_working_time(due, hours)
    start = rules.next_opening(moment, hours)
    assert rules.working_seconds_between(start, due, hours) == pytest.approx(count * 60)


@settings(max_examples=200, deadline=None)
@given(hours_strategy, moments)
def test_adding_zero_is_the_moment_itself_or_the_next_opening(hours, moment):
    due = rules.add_working_minutes(moment, 0, hours)
    assert due == rules.next_opening(moment, hours)
    if rules.is_working_time(moment, hours) and due != moment:
        # only the closing minute itself moves on to the next opening
        assert moment.astimezone(SHANGHAI).time() == hours.end


def test_ticket_numbers_count_per_day():
    day = datetime(2026, 12, 6).date()
    assert rules.ticket_number(day, 1) == "TK-20261206-0001"
    used = ["TK-20261206-0001", "TK-20261206-0007", "TK-20261205-0009", "PO-20261206-0100"]
    assert rules.next_ticket_sequence(used, day) == 8


def test_canned_variables_are_filled_and_missing_ones_are_empty():
    body = "{nickname} 您好，订单 {order_number}（{order_status}）运单 {tracking_number}。{agent}"
    text = rules.render_canned(body, {"nickname": "小王", "order_number": "ZG1",
                                      "order_status": "已发货", "tracking_number": None,
                                      "agent": "客服小李"})
    assert text == "小王 您好，订单 ZG1（已发货）运单 。客服小李"
    assert "{" not in rules.render_canned("{nickname}{unknown}", {})


def test_unknown_or_malformed_variables_are_found():
    assert rules.unknown_canned_variables("{nickname} {agent}") == []
    assert rules.unknown_canned_variables("{name} {0} {nickname.x}") == ["0", "name",
                                                                        "nickname.x"]
    assert rules.unknown_canned_variables("价格 {") == ["{"]
    assert rules.unknown_canned_variables("{{literal}}") == []


def test_an_auto_reply_needs_all_its_keywords_among_the_words():
    shipping = rules.AutoReplyCandidate(1, ("发货",), (), "48小时内发货")
    returns = rules.AutoReplyCandidate(2, ("退货", "运费"), ("chat",), "退货运费说明")
    candidates = [returns, shipping]
    assert rules.choose_auto_reply(candidates, text="请问什么时候发货？", channel="chat") == shipping
    assert rules.choose_auto_reply(candidates, text="退货运费谁出", channel="chat") == returns
    assert rules.choose_auto_reply(candidates, text="退货运费谁出", channel="email") is None
    assert rules.choose_auto_reply(candidates, text="退货怎么办", channel="chat") is None
    # a word is a word: 发货 inside 发货单 alone is found by the search segmentation
    assert "快递" in rules.words_of("快递单号查询")


def test_assignment_rules_match_blank_conditions_and_severity_at_least():
    rule = rules.AssignmentCandidate(1, "", "complaint", "high", ())
    assert rules.assignment_rule_matches(rule, channel="chat", kind="complaint",
                                         severity="critical", text="")
    assert not rules.assignment_rule_matches(rule, channel="chat", kind="complaint",
                                             severity="medium", text="")
    keyword_rule = rules.AssignmentCandidate(2, "email", "", "", ("发票",))
    assert rules.assignment_rule_matches(keyword_rule, channel="email", kind="inquiry",
                                         severity="low", text="需要开发票")
    assert not rules.assignment_rule_matches(keyword_rule, channel="chat", kind="inquiry",
                                             severity="low", text="需要开发票")


def test_the_least_loaded_agent_wins_ties_by_id():
    assert rules.least_loaded({5: 2, 3: 1, 4: 1}) == 3
    assert rules.least_loaded({}) is None


def test_contacts_are_masked_by_what_they_are():
    assert rules.mask_contact("zhang@example.com") == "z***@example.com"
    assert rules.mask_contact("13812345678") == "138****5678"
    assert rules.mask_contact("小王") == "小*"
    assert rules.mask_contact("") == ""


def test_the_clock_counts_time_between_across_days():
    assert rules.working_seconds_between(at("2026-12-07 17:00"), at("2026-12-08 10:00"),
                                         WEEKDAYS) == 2 * 3600
    assert rules.working_seconds_between(at("2026-12-08 10:00"), at("2026-12-07 17:00"),
                                         WEEKDAYS) == 0
    assert timedelta(0) == timedelta(0)
