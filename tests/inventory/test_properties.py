"""Property test: any sequence of stock operations keeps the invariants and the ledger."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests import factories
from zhanggui.core.errors import DomainError
from zhanggui.inventory import actions
from zhanggui.inventory.models import Reservation, Stock
from zhanggui.inventory.queries import ledger_mismatches

operations = st.lists(st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 20)),
    st.tuples(st.just("adjust"), st.integers(0, 1), st.integers(0, 1), st.integers(-15, 15)),
    st.tuples(st.just("reserve"), st.integers(0, 6), st.integers(0, 6), st.just(0)),
    st.tuples(st.just("ship"), st.integers(0, 50), st.just(0), st.just(0)),
    st.tuples(st.just("release"), st.integers(0, 50), st.just(0), st.just(0)),
), min_size=1, max_size=25)


class TestStockProperties(TestCase):
    @settings(max_examples=30, deadline=None)
    @given(operations)
    def test_any_sequence_of_operations_keeps_stock_invariants(self, ops):
        skus = [factories.make_listed_sku() for _ in range(2)]
        warehouses = [factories.make_warehouse("330000"), factories.make_warehouse("510000")]
        open_references: list[str] = []
        for step, (kind, a, b, c) in enumerate(ops):
            if kind == "receive":
                actions.receive_stock(skus[a], warehouse=warehouses[b], quantity=c, reason="p",
                                      actor=None)
            elif kind == "adjust":
                _try(actions.adjust_stock, skus[a], warehouse=warehouses[b], delta=c, reason="p",
                     actor=None)
            elif kind == "reserve":
                _reserve(skus, {0: a, 1: b}, f"order:{step}", open_references)
            elif open_references:
                reference = open_references.pop(a % len(open_references))
                closer = (actions.consume_reservations if kind == "ship"
                          else actions.release_reservations)
                closer(reference, actor=None)
            _assert_invariants()


def _try(function, *args, **kwargs):
    with contextlib.suppress(DomainError):
        function(*args, **kwargs)


def _reserve(skus, quantities, reference, open_references):
    demand = {skus[i].pk: q for i, q in quantities.items() if q}
    if not demand:
        return
    try:
        actions.reserve_stock(demand, reference=reference, province_code="330000", actor=None)
        open_references.append(reference)
    except DomainError:
        assert not Reservation.objects.filter(reference=reference).exists()


def _assert_invariants():
    for stock in Stock.objects.all():
        assert 0 <= stock.reserved <= stock.on_hand
        assert stock.available == stock.on_hand - stock.reserved
        active = sum(Reservation.objects.filter(stock=stock, status="active")
                     .values_list("quantity", flat=True))
        assert active == stock.reserved
    assert ledger_mismatches() == []
