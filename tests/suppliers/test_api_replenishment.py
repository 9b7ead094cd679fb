"""The replenishment and forecast API beyond the permission matrix: refusals are JSON with
a stable code and change nothing; a missing SKU is 404."""

import pytest

from tests.api.support import ApiClient, assert_error, staff_of
from tests.suppliers import matrix_cases_replenishment as cases
from zhanggui.suppliers.models import PurchaseOrder

pytestmark = pytest.mark.django_db
LIST = "/api/v1/suppliers/reorder-list"


def test_drafting_twice_is_refused_with_a_conflict():
    case = cases.draft_purchase_orders()
    client = ApiClient(staff_of("finance"))
    assert client.post(f"{LIST}/draft-purchase-orders", case.body).status_code == 201
    again = client.post(f"{LIST}/draft-purchase-orders", case.body)
    assert_error(again, 409, "already_in_draft")
    assert PurchaseOrder.objects.count() == 1
    # the drafted row is on order now: the list is empty
    assert client.get(LIST).json()["groups"] == []


def test_a_row_not_on_the_list_is_refused_and_an_empty_selection_is_invalid():
    case = cases.draft_purchase_orders()
    client = ApiClient(staff_of("owner"))
    row = case.body["rows"][0]
    other = client.post(f"{LIST}/draft-purchase-orders",
                        {"rows": [{"sku_id": row["sku_id"], "warehouse_id": 987654}]})
    assert_error(other, 409, "not_to_reorder")
    assert_error(client.post(f"{LIST}/draft-purchase-orders", {"rows": []}), 422,
                 "invalid_input")
    assert PurchaseOrder.objects.count() == 0


def test_forecast_of_a_missing_sku_is_not_found():
    assert_error(ApiClient(staff_of("analyst")).get("/api/v1/inventory/skus/987654/forecast"),
                 404, "not_found")
