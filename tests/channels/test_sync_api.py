"""The stock sync API through the permission matrix's own checks (the rows below are the
ones reported for ``tests/api/matrix.py``), then its failure paths."""

import pytest

from tests.api import test_permissions as matrix_checks
from tests.api.matrix import V1, Row
from tests.api.support import ApiClient, assert_error
from tests.channels import matrix_cases_sync as sync_cases
from tests.channels.sync_factories import (
    channel_export_dir,  # noqa: F401 (fixture)
    make_channel,
    make_rule,
)
from tests.factories import make_staff
from zhanggui.channels.models import SyncRule

CHN = f"{V1}/channels"
ROWS = [
    Row("GET", f"{CHN}/published-quantities", sync_cases.quantities, "channels.view_publishedquantity"),
    Row("GET", f"{CHN}/publish-runs", sync_cases.runs, "channels.view_publishrun"),
    Row("GET", f"{CHN}/publish-runs/{{run_id}}", sync_cases.run, "channels.view_publishrun"),
    Row("POST", f"{CHN}/sync/recompute", sync_cases.recompute, "channels.publish_stock"),
    Row("POST", f"{CHN}/{{channel_id}}/publish", sync_cases.publish, "channels.publish_stock"),
    Row("GET", f"{CHN}/sync-rules", sync_cases.rules, "channels.view_syncrule"),
    Row("POST", f"{CHN}/sync-rules", sync_cases.create_rule, "channels.add_syncrule", 201),
    Row("PATCH", f"{CHN}/sync-rules/{{rule_id}}", sync_cases.update_rule, "channels.change_syncrule"),
    Row("DELETE", f"{CHN}/sync-rules/{{rule_id}}", sync_cases.delete_rule, "channels.delete_syncrule", 204),
]
WRITES = [(row, role) for row in ROWS if row.method != "GET" for role in row.allowed]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_denied_roles_get_403_and_nothing_changes(db, row):
    matrix_checks.test_anonymous_gets_401_and_every_role_without_permission_403_and_nothing_changes(db, row)


@pytest.mark.parametrize("row", [r for r in ROWS if r.method == "GET"], ids=lambda row: row.id)
def test_allowed_roles_read(db, row):
    matrix_checks.test_every_role_with_permission_reads_with_fields_masked_as_declared(db, row)


@pytest.mark.parametrize(("row", "role"), WRITES,
                         ids=lambda value: value.id if isinstance(value, Row) else value)
def test_allowed_roles_write(db, row, role):
    if row.status == 204:  # no body to check: the effect is checked here
        case = row.setup()
        response = ApiClient(make_staff(role)).request(row.method, row.path.format(**case.path))
        assert response.status_code == 204
        assert case.check(None, None)
        return
    matrix_checks.test_every_role_with_permission_writes_with_the_expected_effect(db, row, role)


def test_a_second_rule_for_the_same_sku_is_a_conflict_and_bad_shares_are_refused(db):
    channel = make_channel("jd")
    make_rule(channel)
    client = ApiClient(make_staff("operator"))
    assert_error(client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk}), 409, "sync_rule_exists")
    response = client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk, "percent": "1.5"})
    assert response.status_code == 422
    bad = client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk, "sku_id": None,
                                            "min_quantity": 5, "max_quantity": 2})
    assert bad.status_code in (409, 422)
    assert SyncRule.objects.count() == 1


def test_min_above_max_is_refused_with_its_code(db):
    from tests.channels.sync_factories import stocked_sku

    channel = make_channel("jd")
    sku = stocked_sku(1)
    client = ApiClient(make_staff("operator"))
    response = client.post(f"{CHN}/sync-rules", {"channel_id": channel.pk, "sku_id": sku.pk,
                                                 "min_quantity": 5, "max_quantity": 2})
    assert_error(response, 422, "invalid_sync_rule")


def test_missing_channel_run_and_rule_are_404(db):
    client = ApiClient(make_staff("owner"))
    assert_error(client.post(f"{CHN}/987654/publish"), 404, "channel_not_found")
    assert_error(client.get(f"{CHN}/publish-runs/987654"), 404, "publish_run_not_found")
    assert_error(client.patch(f"{CHN}/sync-rules/987654", {"fixed": 1}), 404, "sync_rule_not_found")


def test_publish_with_nothing_to_push_says_so(db):
    channel = make_channel("taobao")
    response = ApiClient(make_staff("operator")).post(f"{CHN}/{channel.pk}/publish")
    assert response.status_code == 200 and response.json() == {"published": False, "run": None}
