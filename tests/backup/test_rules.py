"""The pure rules of the backup format."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhanggui.backup import rules


def test_a_custom_field_is_carried_by_the_django_type_it_derives_from():
    assert rules.kind_for(["TextField", "EncryptedTextField", "TextField", "Field"]) == "text"
    assert rules.kind_for(["MoneyField", "DecimalField"]) == "decimal"
    assert rules.kind_for(["SomethingNew"]) is None


@given(st.decimals(min_value=-10**11, max_value=10**11, places=2, allow_nan=False))
def test_a_decimal_has_one_form_whichever_way_the_database_returns_it(amount):
    as_text = rules.portable("decimal", str(amount), decimal_places=2)
    assert rules.portable("decimal", amount, decimal_places=2) == as_text
    assert rules.portable("decimal", float(amount), decimal_places=2) == as_text
    assert Decimal(as_text) == amount


def test_a_time_has_one_form_with_or_without_its_offset():
    naive = datetime(2026, 3, 1, 4, 5, 6, 789)
    shanghai = datetime(2026, 3, 1, 12, 5, 6, 789, tzinfo=timezone(timedelta(hours=8)))
    assert rules.portable("datetime", naive) == rules.portable("datetime", shanghai) \
        == "2026-03-01T04:05:06.000789+00:00"
    assert rules.python_value("datetime", "2026-03-01T04:05:06.000789+00:00") == naive.replace(tzinfo=UTC)


def test_a_json_document_checksums_the_same_whatever_its_spacing_and_key_order():
    sqlite_text = '{"b": [1, 2.5], "a": {"y": null, "x": "满减"}}'
    postgres_text = '{"a": {"x": "满减", "y": null}, "b": [1, 2.5]}'
    assert rules.canonical_line(["int", "json"], [1, sqlite_text]) == \
        rules.canonical_line(["int", "json"], [1, postgres_text])
    assert rules.canonical_line(["json"], ["null"]) != rules.canonical_line(["json"], [None])


@given(st.binary(max_size=64), st.uuids(), st.timedeltas(min_value=timedelta(0)))
def test_bytes_uuids_and_durations_come_back_as_they_went(data, key, duration):
    assert rules.python_value("bytes", rules.portable("bytes", memoryview(data))) == data
    assert rules.python_value("uuid", rules.portable("uuid", key)) == key
    assert rules.portable("uuid", key.hex) == rules.portable("uuid", key)
    assert rules.python_value("duration", rules.portable("duration", duration)) == duration


def test_insert_order_puts_referred_tables_first_and_survives_cycles():
    order = rules.insert_order({"line": {"order", "sku"}, "order": {"customer"}, "sku": {"product"},
                                "product": set(), "customer": set(), "category": {"category"},
                                "a": {"b"}, "b": {"a"}})
    assert order.index("order") < order.index("line") and order.index("customer") < order.index("order")
    assert order.index("product") < order.index("sku") < order.index("line")
    assert sorted(order) == sorted(["line", "order", "sku", "product", "customer", "category", "a", "b"])


def test_migration_difference_names_both_sides():
    here = {"orders": ["0001_initial", "0002_more"], "catalog": ["0001_initial"]}
    backup = {"orders": ["0001_initial"], "catalog": ["0001_initial"], "live": ["0001_initial"]}
    assert rules.migration_difference(here, backup) == (["orders.0002_more"], ["live.0001_initial"])


@pytest.mark.parametrize("name", ["", "/etc/passwd", "../up.jpg", "products/../../up.jpg"])
def test_a_member_path_may_not_leave_its_folder(name):
    with pytest.raises(ValueError):
        rules.safe_member_path(name)


def test_pruning_keeps_the_newest_scheduled_backups_and_nothing_else_is_touched():
    names = [rules.scheduled_name(datetime(2026, 3, day, 2, tzinfo=UTC)) for day in (3, 1, 2, 4)]
    assert rules.names_to_prune([*names, "notes.txt", "manual.tar.gz"], keep=2) == [
        "zhanggui-20260301T020000Z.tar.gz", "zhanggui-20260302T020000Z.tar.gz"]
    assert rules.names_to_prune(names, keep=0) == sorted(names)[:-1]
