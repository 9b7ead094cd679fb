"""Property: any sequence of receipts (some refused) keeps the order's figures, the stock and
the ledger in agreement, and never accepts more than ordered without an over-receipt."""

import contextlib

from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests import factories
from zhanggui.core.errors import DomainError
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.suppliers import actions
from zhanggui.suppliers.models import ReceiptLine

deliveries = st.lists(st.tuples(
    st.integers(0, 1),  # which line
    st.integers(0, 8),  # accepted
    st.integers(0, 3),  # rejected
    st.booleans(),  # with a reason
    st.integers(0, 2),  # short
), min_size=1, max_size=8)


class TestReceiptProperties(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(deliveries)
    def test_receipts_keep_lines_stock_and_ledger_in_agreement(self, steps):
        skus = [factories.make_sku(), factories.make_sku()]
        po = factories.make_purchase_order(lines=[(skus[0], 10), (skus[1], 6)], sent=True)
        lines = list(po.lines.order_by("id"))
        for index, accepted, rejected, with_reason, short in steps:
            given_line = actions.ReceiptLineInput(
                accepted=accepted, rejected=rejected, short=short,
                reject_reason="damaged" if with_reason else "")
            with contextlib.suppress(DomainError):
                actions.receive_purchase_order(po, actor=None,
                                               lines={lines[index].pk: given_line})
        for line in lines:
            line.refresh_from_db()
            booked = ReceiptLine.objects.filter(line=line).aggregate(
                accepted=Sum("accepted"), rejected=Sum("rejected"))
            assert line.received_quantity == (booked["accepted"] or 0)
            assert line.rejected_quantity == (booked["rejected"] or 0)
            assert line.received_quantity <= line.quantity  # no over-receipt was allowed
            on_hand = Stock.objects.filter(sku=line.sku, warehouse=po.warehouse).values_list(
                "on_hand", flat=True).first() or 0
            assert on_hand == line.received_quantity
        assert not ReceiptLine.objects.filter(rejected__gt=0, reject_reason="").exists()
        po.refresh_from_db()
        if all(line.received_quantity == line.quantity for line in lines):
            assert po.status == "received"
        else:
            assert po.status == ("partly_received" if po.receipts.exists() else "sent")
        assert ledger_mismatches() == []
