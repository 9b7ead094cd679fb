"""A segment rule and its SQL give the same members as a Python evaluation (issue 16, "Must
show"), over random definitions and random customers:

1. random feature rows: ``segment_sql``'s condition in DuckDB selects exactly the customers
   ``segment_rules.evaluate`` accepts (every field, every operator, missing values);
2. random shops (customers, orders, refunds, events, tags, memberships in the warehouse's
   tables): ``customer_features`` computes the features a plain-Python reference computes
   from the same rows, and the members of random definitions agree end to end.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhanggui.analytics import customer_features, rules, segment_refresh, segment_sql
from zhanggui.analytics.extract import EXTRACTS
from zhanggui.customers import segment_fields
from zhanggui.customers.segment_fields import BOOLEAN, CHOICE, DECIMAL, FIELDS, INTEGER, STRING, TAGS
from zhanggui.customers.segment_rules import evaluate, lifecycle_stage, validate_definition

TEXTS = ["杭州", "上海", "own", "douyin", "gold", "silver"]
TAG_NAMES = ["VIP", "新客", "老客", "团长"]
COLUMN_TYPES = {INTEGER: "BIGINT", DECIMAL: "DECIMAL(18,6)", STRING: "VARCHAR", CHOICE: "VARCHAR",
                BOOLEAN: "BOOLEAN", TAGS: "VARCHAR[]"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 12, 0)  # shop-local, naive (as the warehouse stores times)
START = NOW - timedelta(days=900)


def _codes(field) -> list[str]:
    return sorted(field.choice_codes)[:4]


def scalar(field) -> st.SearchStrategy:
    if field.type == INTEGER:
        return st.integers(0, 12)
    if field.name == "churn_risk":  # a fraction: conditions at most to the cent, values finer
        return st.integers(0, 100).map(lambda cents: Decimal(cents) / 100)
    if field.type == DECIMAL:
        return st.integers(0, 600).map(lambda cents: Decimal(cents) / 100)
    if field.type == BOOLEAN:
        return st.booleans()
    if field.type == CHOICE:
        return st.sampled_from(_codes(field))
    return st.sampled_from(TEXTS if field.type == STRING else TAG_NAMES)


def feature_value(field) -> st.SearchStrategy:
    if field.type == TAGS:
        return st.lists(st.sampled_from(TAG_NAMES), unique=True, max_size=3)
    if field.name == "churn_risk":
        return st.none() | scalar(field) | CHURN_RISKS
    return st.none() | scalar(field)


# Stored churn risks have six places (DECIMAL(7,6)): values between a condition's cents.
CHURN_RISKS = st.integers(0, 1_000_000).map(lambda millionths: Decimal(millionths) / 1_000_000)


@st.composite
def condition(draw) -> dict:
    field = FIELDS[draw(st.sampled_from(sorted(FIELDS)))]
    op = draw(st.sampled_from(field.operators))
    out = {"field": field.name, "op": op}
    if op in ("is_set", "is_not_set"):
        return out
    if op == "between":
        low, high = sorted([draw(scalar(field)), draw(scalar(field))])
        out["value"] = [_json(low), _json(high)]
    elif op in ("in", "not_in", "contains_any", "contains_all", "contains_none"):
        out["value"] = [_json(v) for v in draw(st.lists(scalar(field), min_size=1, max_size=3))]
    else:
        out["value"] = _json(draw(scalar(field)))
    return out


def _json(value):
    return str(value) if isinstance(value, Decimal) else value


definitions = st.builds(lambda match, conditions: {"match": match, "conditions": conditions},
                        st.sampled_from(["all", "any"]), st.lists(condition(), min_size=1, max_size=4))
feature_rows = st.lists(st.fixed_dictionaries({name: feature_value(f) for name, f in FIELDS.items()}),
                        min_size=1, max_size=25)


def _load_features(db, rows: list[dict]) -> None:
    names = list(FIELDS)
    columns = ", ".join(f'"{n}" {COLUMN_TYPES[FIELDS[n].type]}' for n in names)
    db.execute(f"CREATE TABLE customer_features (customer_id BIGINT, {columns})")
    marks = ", ".join("?" * (len(names) + 1))
    db.executemany(f"INSERT INTO customer_features VALUES ({marks})",
                   [[i, *[row[n] for n in names]] for i, row in enumerate(rows)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=feature_rows, definition=definitions)
def test_sql_condition_selects_what_python_evaluation_selects(rows, definition):
    definition = validate_definition(definition)
    db = duckdb.connect()
    _load_features(db, rows)
    where, params = segment_sql.compile_definition(definition)
    found = {r[0] for r in db.execute(f"SELECT customer_id FROM customer_features WHERE {where}",
                                      params).fetchall()}
    assert found == {i for i, row in enumerate(rows) if evaluate(definition, row)}


def test_every_field_and_operator_compiles_to_bound_parameters_only():
    # A value that would break out of a string literal stays a parameter.
    sneaky = "x' OR 1=1 --"
    where, params = segment_sql.compile_definition(
        {"match": "all", "conditions": [{"field": "city", "op": "eq", "value": sneaky}]})
    assert sneaky not in where and params == {"c0": sneaky}


def test_the_model_choices_match_the_analytics_rules():
    assert {c for c, _l in segment_fields.RFM_SEGMENTS} == set(rules.RFM_SEGMENTS.values())
    assert [c for c, _l in segment_fields.SPENDING_TIERS] == [str(int(b)) for b in rules.SPENDING_TIERS]
    assert [c for c, _l in segment_fields.SPENDING_TIERS] == customer_features.TIER_CODES


# ---- end to end: raw warehouse rows → features → members --------------------------------

moments = st.integers(0, 900 * 24).map(lambda hours: START + timedelta(hours=hours))
# Days on both sides of every lifecycle threshold (and today), at any hour of the day.
BOUNDARY_DAYS = [0, 1, 29, 30, 31, 89, 90, 91, 179, 180, 181, 364, 365, 366]
boundary_moments = st.builds(
    lambda days, hour: datetime.combine(NOW.date() - timedelta(days=days), datetime.min.time())
    + timedelta(hours=hour), st.sampled_from(BOUNDARY_DAYS), st.integers(0, 23))
paid_moments = moments | boundary_moments
event_moments = (st.integers(0, 60 * 24).map(lambda h: NOW - timedelta(hours=h - 24))
                 | st.sampled_from([NOW - timedelta(days=30), NOW - timedelta(days=30, seconds=1), NOW,
                                    NOW - timedelta(seconds=1)]))
customers = st.fixed_dictionaries({
    "gender": st.sampled_from(["", "female", "male"]),
    "birthday": st.none() | st.dates(date(1950, 1, 1), date(2010, 12, 31))
    | st.sampled_from([date(1990, 12, 1), date(1990, 12, 2), date(1990, 11, 30), date(2000, 2, 29)]),
    "province_code": st.sampled_from(["", "330000", "310000"]),
    "city": st.sampled_from(["", "杭州", "上海"]),
    "channel": st.sampled_from(["own", "douyin"]),
    "is_guest": st.sampled_from([False, False, False, True]),
    "created_at": moments,
    "tags": st.lists(st.sampled_from(TAG_NAMES), max_size=3),
    "tier": st.none() | st.sampled_from(["gold", "silver"]),
    "value": st.none() | st.tuples(CHURN_RISKS, st.integers(0, 500_000).map(lambda c: Decimal(c) / 100)),
    "orders": st.lists(st.fixed_dictionaries({
        "paid_at": st.none() | paid_moments, "status": st.sampled_from(["paid", "completed", "cancelled"]),
        "amount": st.integers(1, 50_000).map(lambda c: Decimal(c) / 100),
        "refunds": st.lists(moments, max_size=2)}), max_size=4),
    "events": st.lists(st.tuples(st.sampled_from(["product_view", "add_to_cart", "search", "page_view"]),
                                 event_moments), max_size=5),
})


def _table(db, table: str, rows: list[dict]) -> None:
    extract = next(e for e in EXTRACTS if e.table == table)
    db.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in extract.columns)})")
    for row in rows:
        names = ", ".join(row)
        db.execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def _warehouse(shop: list[dict]) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    profiles, tags, members, orders, refunds, events, values = [], [], [], [], [], [], []
    for cid, c in enumerate(shop, start=1):
        profiles.append({"customer_id": cid, **{k: c[k] for k in ("gender", "birthday", "province_code",
                         "city", "channel", "is_guest", "created_at")}})
        tags += [{"customer_tag_id": len(tags) + n, "customer_id": cid, "tag": t}
                 for n, t in enumerate(c["tags"])]
        if c["value"]:
            values.append({"customer_id": cid, "churn_risk": c["value"][0], "clv": c["value"][1]})
        if c["tier"]:
            members.append({"membership_id": cid, "customer_id": cid, "tier_code": c["tier"]})
        for o in c["orders"]:
            oid = len(orders) + 1
            orders.append({"order_id": oid, "customer_id": cid, "status": o["status"],
                           "paid_at": o["paid_at"],
                           "paid_amount": o["amount"] if o["paid_at"] else Decimal(0),
                           "customer_is_guest": c["is_guest"]})
            refunds += [{"refund_id": len(refunds) + 1, "order_id": oid, "created_at": at}
                        for at in o["refunds"]]
        events += [{"id": len(events) + n, "kind": kind, "customer_id": cid, "occurred_at": at}
                   for n, (kind, at) in enumerate(c["events"])]
    for table, rows in (("customer_profiles", profiles), ("customer_tags", tags), ("memberships", members),
                        ("orders", orders), ("refunds", refunds), ("events", events),
                        ("customer_values", values)):
        _table(db, table, rows)
    return db


def reference_features(shop: list[dict]) -> dict[int, dict]:
    """The features of the module docstring, computed in plain Python."""
    today, window = NOW.date(), NOW - timedelta(days=30)
    out, buyers = {}, {}
    for cid, c in enumerate(shop, start=1):
        if c["is_guest"]:
            continue
        paid = [o for o in c["orders"] if o["paid_at"] and o["paid_at"] < NOW and o["status"] != "cancelled"]
        seen = [at for kind, at in c["events"] if at < NOW]
        b = c["birthday"]
        f = {"gender": c["gender"] or None, "province_code": c["province_code"] or None,
             "city": c["city"] or None, "channel": c["channel"],
             "age": None if b is None
             else today.year - b.year - ((today.month, today.day) < (b.month, b.day)),
             "birthday_month": b.month if b else None,
             "is_birthday_month": b.month == today.month if b else None,
             "registered_days_ago": (today - c["created_at"].date()).days,
             "tags": sorted(set(c["tags"])), "is_member": c["tier"] is not None, "member_tier": c["tier"],
             "paid_orders": len(paid), "total_spent": sum((o["amount"] for o in paid), Decimal(0)),
             "refund_count": sum(1 for o in c["orders"] for at in o["refunds"] if at < NOW),
             **{name: sum(1 for k, at in c["events"] if k == kind and window <= at < NOW)
                for name, kind in (("views_30d", "product_view"), ("carts_30d", "add_to_cart"),
                                   ("searches_30d", "search"))},
             "last_visit_days_ago": (today - max(seen).date()).days if seen else None,
             "first_paid_days_ago": None, "last_paid_days_ago": None, "average_order_value": None,
             "rfm_segment": None, "spending_tier": None,
             "churn_risk": c["value"][0] if c["value"] else None,
             "clv": c["value"][1] if c["value"] else None}
        if paid:
            f["first_paid_days_ago"] = (today - min(o["paid_at"] for o in paid).date()).days
            f["last_paid_days_ago"] = (today - max(o["paid_at"] for o in paid).date()).days
            f["average_order_value"] = (f["total_spent"] / len(paid)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            f["spending_tier"] = str(int(max(b for b in rules.SPENDING_TIERS if b <= f["total_spent"])))
            buyers[cid] = f
        f["lifecycle_stage"] = lifecycle_stage(f["first_paid_days_ago"], f["last_paid_days_ago"])
        out[cid] = f
    if buyers:
        n = len(buyers)
        r = Fraction(sum(f["last_paid_days_ago"] for f in buyers.values()), n)
        fr = Fraction(sum(f["paid_orders"] for f in buyers.values()), n)
        m = sum((Fraction(f["total_spent"]) for f in buyers.values()), Fraction(0)) / n
        for f in buyers.values():
            key = (f["last_paid_days_ago"] < r, f["paid_orders"] > fr, Fraction(f["total_spent"]) > m)
            f["rfm_segment"] = rules.RFM_SEGMENTS[key]
    return out


shops = st.lists(customers, min_size=1, max_size=12)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shop=shops, definition=definitions)
def test_features_and_members_in_the_warehouse_equal_a_python_evaluation(shop, definition):
    db = _warehouse(shop)
    customer_features.materialise(db, NOW.replace(tzinfo=SHANGHAI))
    names = ["customer_id", *FIELDS]
    got = {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in
           db.execute(f"SELECT {', '.join(names)} FROM customer_features").fetchall()}
    expected = reference_features(shop)
    assert got == expected
    definition = validate_definition(definition)
    members = {cid for cid, f in expected.items() if evaluate(definition, f)}
    assert set(customer_features_ids(db, definition)) == members
    # One definition alone, computing only the features it tests (the preview's way).
    assert set(segment_refresh.evaluate_one(db, definition, NOW.replace(tzinfo=SHANGHAI))) == members


def customer_features_ids(db, definition):
    from zhanggui.analytics.segment_refresh import member_ids

    return member_ids(db, definition)


@pytest.fixture(autouse=True)
def _shop_time_zone(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
