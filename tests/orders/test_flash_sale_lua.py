"""The Lua scripts of the flash-sale path, on Redis alone: a reservation never takes more
than remains, the per-buyer limit holds, and over any sequence of reserve / release /
confirm the units are conserved (remaining + sold + pending == initial)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.orders import test_flash_sale_helpers as helpers
from tests.orders.test_flash_sale_helpers import Counters, new_prefix

flash = helpers.flash

SALE, SKU, OTHER = "7", "101", "102"


def seed(counters: Counters, *, stock: dict, cap: int, limit: int, existing=(), buyers=None) -> list:
    truth = {"sales": {SALE: {"cap": cap, "limit": limit, "buyers": buyers or {}}},
             "stock": stock, "existing": list(existing), "drop_stock": False}
    return list(json.loads(counters.call("rederive", json.dumps(truth))) or [])


def reserve(counters: Counters, token: str, buyer: int, lines: list) -> list:
    wanted = {"lines": [[sku, units, [SALE]] for sku, units in lines], "sales": [SALE]}
    return counters.call("reserve", token, buyer, "1000.0", json.dumps(wanted))


def test_a_reservation_takes_no_more_than_remains_and_a_refusal_writes_nothing(flash):
    c = flash.counters
    seed(c, stock={SKU: 5}, cap=3, limit=2)
    assert reserve(c, "t1", 1, [(SKU, 2)]) == ["ok", SALE, 2]
    assert (c.stock(SKU), c.cap(SALE), c.buyer(SALE, 1)) == (3, 1, 2)
    # The buyer's limit is used up: the stock is reserved, no flash unit (list price).
    assert reserve(c, "t2", 1, [(SKU, 1)]) == ["ok", SALE, 0]
    # Another buyer: one flash unit left under the cap, the second unit at the list price.
    assert reserve(c, "t3", 2, [(SKU, 2)]) == ["ok", SALE, 1]
    assert (c.stock(SKU), c.cap(SALE), c.buyer(SALE, 2)) == (0, 0, 1)
    assert reserve(c, "t4", 3, [(SKU, 1)]) == ["stock", SKU, "0"]
    assert set(c.pending()) == {"t1", "t2", "t3"} and c.buyer(SALE, 3) == 0


def test_missing_counters_are_reported_not_invented(flash):
    c = flash.counters
    assert reserve(c, "t1", 1, [(SKU, 1)]) == ["init", f"sale:{SALE}", f"stock:{SKU}"]
    assert c.pending() == {}


def test_release_gives_everything_back_and_confirm_only_what_was_not_taken(flash):
    c = flash.counters
    seed(c, stock={SKU: 10, OTHER: 4}, cap=5, limit=-1)
    reserve(c, "t1", 1, [(SKU, 3), (OTHER, 2)])
    assert (c.stock(SKU), c.stock(OTHER), c.cap(SALE)) == (7, 2, 0)
    assert c.call("release", "t1") == 1 and c.call("release", "t1") == 0
    assert (c.stock(SKU), c.stock(OTHER), c.cap(SALE), c.buyer(SALE, 1)) == (10, 4, 5, 0)
    reserve(c, "t2", 1, [(SKU, 3)])
    assert c.call("confirm", "t2", "1001.0", json.dumps({SALE: 1})) == 1
    assert (c.stock(SKU), c.cap(SALE), c.buyer(SALE, 1)) == (7, 4, 1)
    assert c.confirmed()["t2"]["f"] == {SALE: 1} and c.pending() == {}
    assert c.call("release", "t2") == 0  # a sale is not given back


def test_rederive_counts_the_reservations_the_database_does_not_hold_yet(flash):
    c = flash.counters
    seed(c, stock={SKU: 10}, cap=6, limit=3)
    reserve(c, "in-db", 1, [(SKU, 2)])
    reserve(c, "not-yet", 2, [(SKU, 3)])
    # The database sold "in-db" meanwhile: its figures hold it, not "not-yet".
    changed = seed(c, stock={SKU: 8}, cap=4, limit=3, existing=["in-db"], buyers={"1": 2})
    assert changed == []  # Redis had not drifted
    assert (c.stock(SKU), c.cap(SALE), c.buyer(SALE, 1), c.buyer(SALE, 2)) == (5, 1, 2, 3)
    assert c.pending()["in-db"]["a"] == 1
    # Its confirm then gives nothing back twice (the database's figures already hold it).
    assert c.call("confirm", "in-db", "1002.0", json.dumps({SALE: 0})) == 2
    assert (c.stock(SKU), c.cap(SALE), c.buyer(SALE, 1)) == (5, 1, 2)


def test_counters_that_drifted_are_set_back_and_reported(flash):
    c = flash.counters
    seed(c, stock={SKU: 10}, cap=6, limit=-1)
    c.client.hset(f"{c.prefix}:stock", SKU, 99)
    changed = seed(c, stock={SKU: 10}, cap=6, limit=-1)
    assert changed == [[f"{c.prefix}:stock {SKU}", "99", "10"]]


OPS = st.lists(st.tuples(st.sampled_from(["reserve", "release", "confirm"]), st.integers(1, 4),
                         st.integers(1, 4), st.integers(0, 3), st.integers(0, 20)),
               min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, stock=st.integers(0, 12), other=st.integers(0, 6), cap=st.integers(-1, 9),
       limit=st.integers(-1, 4))
def test_units_are_conserved_over_any_sequence(flash, ops, stock, other, cap, limit):
    c = Counters(flash.counters.client, new_prefix())
    try:
        seed(c, stock={SKU: stock, OTHER: other}, cap=cap, limit=limit)
        tokens: list[str] = []
        for n, (op, buyer, units, more, pick) in enumerate(ops):
            if op == "reserve":
                lines = [(SKU, units)] + ([(OTHER, more)] if more else [])
                out = reserve(c, f"t{n}", buyer, lines)
                assert out[0] in ("ok", "stock")
                if out[0] == "ok":
                    tokens.append(f"t{n}")
                    assert out[2] <= units + more  # never more than asked
            elif tokens and op == "release":
                c.call("release", tokens[pick % len(tokens)])
            elif tokens:
                token = tokens[pick % len(tokens)]
                granted = c.pending().get(token, {}).get("f", {}).get(SALE, 0)
                c.call("confirm", token, "1.0", json.dumps({SALE: min(granted, pick % 3)}))
            _check(c, stock=stock, other=other, cap=cap, limit=limit)
    finally:
        c.drop()


def _check(c: Counters, *, stock: int, other: int, cap: int, limit: int) -> None:
    held = list(c.pending().values()) + list(c.confirmed().values())
    for sku, initial in ((SKU, stock), (OTHER, other)):
        remaining = c.stock(sku)
        assert remaining >= 0
        assert remaining + sum(r["s"].get(sku, 0) for r in held) == initial
    flash_units = sum(r["f"].get(SALE, 0) for r in held)
    if cap >= 0:
        assert c.cap(SALE) >= 0 and c.cap(SALE) + flash_units == cap
    for buyer in {r["b"] for r in held}:
        mine = sum(r["f"].get(SALE, 0) for r in held if r["b"] == buyer)
        assert c.buyer(SALE, buyer) == mine
        assert limit < 0 or mine <= limit
