"""The channels API's rows of the permission matrix, run here through the matrix's own tests
(``tests/api/test_permissions.py``) until the lead adds them to ``tests/api/matrix.py``."""

import pytest

from tests.api import test_permissions as matrix
from tests.api.matrix import V1, Row
from tests.channels import matrix_cases_listings as channel_cases

CH = f"{V1}/channels"
ROWS = [
    Row("GET", CH, channel_cases.list_channels, "channels.view_channel"),
    Row("GET", f"{CH}/{{channel_id}}", channel_cases.get_channel, "channels.view_channel"),
    Row("GET", f"{CH}/listings", channel_cases.list_listings, "channels.view_channellisting"),
    Row("POST", f"{CH}/listings", channel_cases.create_listing, "channels.add_channellisting", 201),
    Row("GET", f"{CH}/listings/{{listing_id}}", channel_cases.get_listing,
        "channels.view_channellisting"),
    Row("PATCH", f"{CH}/listings/{{listing_id}}", channel_cases.update_listing,
        "channels.change_channellisting"),
    Row("POST", f"{CH}/listings/{{listing_id}}/list", channel_cases.list_listing,
        "channels.change_channellisting"),
    Row("POST", f"{CH}/listings/{{listing_id}}/delist", channel_cases.delist_listing,
        "channels.change_channellisting"),
    Row("GET", f"{CH}/price-conflicts", channel_cases.price_conflicts, "channels.view_channellisting"),
]
WRITES = [row for row in ROWS if row.method != "GET"]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_denied_roles_get_403_and_nothing_changes(db, row):
    matrix.test_anonymous_gets_401_and_every_role_without_permission_403_and_nothing_changes(db, row)


@pytest.mark.parametrize("row", [r for r in ROWS if r.method == "GET"], ids=lambda row: row.id)
def test_allowed_roles_read(db, row):
    matrix.test_every_role_with_permission_reads_with_fields_masked_as_declared(db, row)


@pytest.mark.parametrize(("row", "role"), [(row, role) for row in WRITES for role in row.allowed],
                         ids=lambda value: value.id if isinstance(value, Row) else value)
def test_allowed_roles_write(db, row, role):
    matrix.test_every_role_with_permission_writes_with_the_expected_effect(db, row, role)
