from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from tests import factories
from zhanggui.aftersales import actions
from zhanggui.aftersales.errors import (
    DecisionNoteRequired,
    InvalidDisposition,
    InvalidRequestState,
    InvalidReturnLines,
    NotEligible,
)
from zhanggui.aftersales.models import Refund
from zhanggui.core.errors import DomainError
from zhanggui.inventory.models import Stock
from zhanggui.inventory.queries import ledger_mismatches
from zhanggui.orders.errors import InvalidAmount, RefundExceedsPaid


@pytest.fixture
def sku(db):
    sku = factories.make_listed_sku(price="100.00")
    factories.stock_up(sku, factories.make_warehouse(), 20)
    return sku


def test_return_flow_restocks_and_refunds(sku):
    order = factories.make_order(sku=sku, quantity=2, status="delivered")
    line = order.lines.get()
    request = actions.request_aftersales(order, kind="return", reason_code="size_fit",
                                         lines={line.pk: 1}, requested_amount=Decimal("100"),
                                         actor=None)
    actions.approve_request(request, actor=None)
    with pytest.raises(InvalidDisposition):
        actions.receive_return(request, dispositions={}, actor=None)
    actions.receive_return(request, dispositions={request.lines.get().pk: "restock"}, actor=None)
    refund = actions.issue_refund(order, amount=Decimal("100"), reason="return",
                                  request=request, actor=None)
    order.refresh_from_db()
    line.refresh_from_db()
    request.refresh_from_db()
    assert refund.amount == Decimal("100.00") and request.status == "refunded"
    assert order.refunded_amount == Decimal("100.00") and order.status == "delivered"
    assert (line.returned_quantity, line.refunded_amount) == (1, Decimal("100.00"))
    assert Stock.objects.get(sku=sku).on_hand == 19  # 20 − 2 shipped + 1 restocked
    assert ledger_mismatches() == []


def test_scrapped_returns_do_not_come_back_into_stock(sku):
    order = factories.make_order(sku=sku, quantity=1, status="delivered")
    request = actions.request_aftersales(order, kind="return", reason_code="damaged",
                                         lines={order.lines.get().pk: 1}, actor=None)
    actions.approve_request(request, actor=None)
    actions.receive_return(request, dispositions={request.lines.get().pk: "scrap"}, actor=None)
    assert Stock.objects.get(sku=sku).on_hand == 19


def test_refund_only_before_shipping_cancels_the_order_and_releases_stock(sku):
    order = factories.make_order(sku=sku, quantity=3, status="paid")
    request = actions.request_aftersales(order, kind="refund_only", reason_code="changed_mind",
                                         requested_amount=order.paid_amount, actor=None)
    with pytest.raises(InvalidRequestState):
        actions.issue_refund(order, amount=order.paid_amount, reason="x", request=request,
                             actor=None)
    actions.approve_request(request, actor=None)
    actions.issue_refund(order, amount=order.paid_amount, reason="x", request=request, actor=None)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert Stock.objects.get(sku=sku).reserved == 0


def test_eligibility_and_line_limits(sku):
    unpaid = factories.make_order(sku=sku)
    with pytest.raises(NotEligible):
        actions.request_aftersales(unpaid, kind="refund_only", reason_code="changed_mind",
                                   actor=None)
    paid = factories.make_order(sku=sku, status="paid")
    with pytest.raises(NotEligible):
        actions.request_aftersales(paid, kind="return", reason_code="size_fit",
                                   lines={paid.lines.get().pk: 1}, actor=None)
    delivered = factories.make_order(sku=sku, quantity=2, status="delivered")
    line = delivered.lines.get()
    with pytest.raises(InvalidReturnLines):
        actions.request_aftersales(delivered, kind="return", reason_code="size_fit",
                                   lines={line.pk: 3}, actor=None)
    actions.request_aftersales(delivered, kind="return", reason_code="size_fit",
                               lines={line.pk: 2}, actor=None)
    with pytest.raises(InvalidReturnLines):  # both units already under an open request
        actions.request_aftersales(delivered, kind="exchange", reason_code="size_fit",
                                   lines={line.pk: 1}, actor=None)
    with pytest.raises(RefundExceedsPaid):
        actions.request_aftersales(delivered, kind="refund_only", reason_code="quality",
                                   requested_amount=Decimal("1000"), actor=None)


def test_reject_needs_a_reason_and_closes_the_request(sku):
    order = factories.make_order(sku=sku, status="delivered")
    request = actions.request_aftersales(order, kind="refund_only", reason_code="quality",
                                         requested_amount=Decimal("10"), actor=None)
    with pytest.raises(DecisionNoteRequired):
        actions.reject_request(request, note=" ", actor=None)
    actions.reject_request(request, note="商品无质量问题", actor=None)
    request.refresh_from_db()
    assert request.status == "rejected" and request.closed_at
    with pytest.raises(InvalidRequestState):
        actions.approve_request(request, actor=None)


def test_refund_never_exceeds_paid_minus_earlier_refunds(sku):
    order = factories.make_order(sku=sku, quantity=1, status="delivered", shipping="10.00")
    actions.issue_refund(order, amount=Decimal("60"), reason="partial", actor=None)
    with pytest.raises(RefundExceedsPaid):
        actions.issue_refund(order, amount=Decimal("50.01"), reason="too much", actor=None)
    with pytest.raises(InvalidAmount):
        actions.issue_refund(order, amount=Decimal("0"), reason="zero", actor=None)
    actions.issue_refund(order, amount=Decimal("50"), reason="rest", actor=None)
    order.refresh_from_db()
    assert order.refunded_amount == order.paid_amount == Decimal("110.00")
    assert Refund.objects.filter(order=order).count() == 2


class TestRefundProperties(TestCase):
    @settings(max_examples=40, deadline=None)
    @given(st.lists(st.integers(min_value=-500, max_value=15000), min_size=1, max_size=12))
    def test_refunds_never_exceed_paid(self, attempts_in_cents):
        sku = factories.make_listed_sku(price="33.33")
        factories.stock_up(sku, factories.make_warehouse(), 5)
        order = factories.make_order(sku=sku, quantity=3, status="delivered", shipping="5.00")
        accepted = Decimal(0)
        for cents in attempts_in_cents:
            amount = Decimal(cents) / 100
            try:
                actions.issue_refund(order, amount=amount, reason="p", actor=None)
                accepted += amount
            except DomainError:
                pass
            order.refresh_from_db()
            assert order.refunded_amount == accepted <= order.paid_amount
        total = sum(Refund.objects.filter(order=order).values_list("amount", flat=True),
                    Decimal(0))
        assert total == order.refunded_amount
