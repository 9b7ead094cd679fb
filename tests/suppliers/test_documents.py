"""The purchase order as PDF."""


import pytest

from tests import factories
from zhanggui.suppliers import actions
from zhanggui.suppliers.documents import purchase_order_html, purchase_order_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def po():
    supplier = factories.make_supplier(name="义乌百货")
    actions.save_supplier_contact(supplier, name="王经理", phone="13800000000", is_primary=True,
                                  actor=None)
    sku_a, sku_b = factories.make_sku(), factories.make_sku()
    factories.make_supplier_item(supplier, sku_a, unit_cost="12.50", supplier_code="YW-001")
    factories.make_supplier_item(supplier, sku_b, unit_cost="3.00")
    return factories.make_purchase_order(supplier=supplier, lines=[(sku_a, 10), (sku_b, 4)],
                                         sent=True)


def test_purchase_order_html_lists_lines_costs_totals_and_terms(po):
    html = purchase_order_html(po, show_costs=True)
    assert po.number in html and "义乌百货" in html and "王经理" in html
    assert html.count('class="po-line"') == 2
    for line in po.lines.select_related("sku"):
        assert line.sku.code in html
    assert "YW-001" in html
    assert "125.00" in html and "12.00" in html and "137.00" in html  # line totals, goods
    assert po.warehouse.name in html


def test_receiving_copy_without_cost_permission_hides_costs(po):
    html = purchase_order_html(po, show_costs=False)
    assert po.number in html and html.count('class="po-line"') == 2
    assert "12.50" not in html and "137.00" not in html


def test_purchase_order_pdf_renders(po):
    pdf = purchase_order_pdf(po, show_costs=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
