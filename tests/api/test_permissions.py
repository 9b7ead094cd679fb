"""Every operation, called by every role: anonymous → 401; every role without the row's
permission (and staff without any role) → 403 with nothing changed; every role with it →
2xx and the expected effect, personal data and cost prices masked for roles without
``customers.view_personal_data`` / ``catalog.view_cost``; and no operation without a row.

Who is allowed is derived from ``accounts/roles.py`` through the permission each row
declares; a static test checks that the declared permission is the one the view checks.

Anonymous callers get 401 on every operation, the traffic ingestion endpoint included: it
also accepts an ingestion key (``?key=``, an ingest-only storefront account, see
``tests/traffic``), but without a key it is as closed as the rest. The only API URLs open
without authentication are the docs (``/api/docs``) and the schema (``/api/openapi.json``);
the console's login page is the third open door (``tests/console/test_page_matrix.py``).
"""

import ast
import inspect
import re
import textwrap
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.urls import resolve

from tests.api.matrix import ROWS, Row
from tests.api.support import NOBODY, ApiClient, assert_error, fingerprint, staff_of
from tests.console.page_matrix import all_patterns, is_api
from tests.fingerprint import changed_tables, database_fingerprint
from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.accounts.roles import Role
from zhanggui.api import api

MISSING_ID = 987654
READS = [row for row in ROWS if row.method == "GET"]
WRITES = [row for row in ROWS if row.method != "GET"]


def _path(row: Row, params: dict) -> str:
    return row.path.format(**params)


def _call(client: ApiClient, row: Row, case, params: dict | None = None):
    return client.request(row.method, _path(row, case.path if params is None else params),
                          case.body, query=case.query)


class Caller:
    """One staff member with a bearer token, given one role after another: cheaper than a
    new staff member and token per role, and the same to the API, which reads the caller's
    groups afresh on every request."""

    def __init__(self):
        self.client = ApiClient(staff_of(NOBODY))

    def as_role(self, role: str) -> ApiClient:
        staff = self.client.staff
        staff.groups.set(Group.objects.filter(name=role))  # none for NOBODY
        self.client.staff = Staff.objects.get(pk=staff.pk)  # no cached permissions
        return self.client


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_anonymous_gets_401_and_every_role_without_permission_403_and_nothing_changes(db, row):
    case = row.setup()
    caller = Caller()
    log_count = OperationLog.objects.count()
    before = fingerprint(case.target)

    assert_error(_call(ApiClient(None), row, case), 401, "not_authenticated")
    for role in row.denied:
        client = caller.as_role(role)
        response = _call(client, row, case)
        assert response.status_code == 403, (role, response.content)
        assert_error(response, 403, "permission_denied")
        if case.path:  # the check comes before any lookup: a missing object is also a 403
            missing = _call(client, row, case, dict.fromkeys(case.path, MISSING_ID))
            assert_error(missing, 403, "permission_denied")

    assert OperationLog.objects.count() == log_count
    assert fingerprint(case.target) == before


def _values(data: Any, path: str) -> list | None:
    """The values at ``path`` (``*`` runs over a list); ``None`` when a container on the way
    is null (a part of the response the caller may not see at all)."""
    values = [data]
    for part in path.split("."):
        if any(value is None for value in values):
            return None
        if part == "*":
            values = [item for value in values for item in value]
        else:
            values = [value[part] for value in values]
    return values


def _assert_masked_as_declared(row: Row, role: str, data: Any, staff, reference: Any) -> None:
    for mask in row.masks:
        full, shown = _values(reference, mask.path), _values(data, mask.path)
        assert full, f"{mask.path}: the setup must show something to mask"
        assert all(mask.mask(value) != value for value in full), (mask.path, full)
        if shown is None:
            continue
        expected = full if staff.has_perm(mask.permission) else [mask.mask(v) for v in full]
        assert shown == expected, (role, mask.path)


@pytest.mark.parametrize("row", READS, ids=lambda row: row.id)
def test_every_role_with_permission_reads_with_fields_masked_as_declared(db, row):
    """One setup for all roles, since a read changes nothing, which is checked too: no table's
    rows change (``tests/fingerprint.py``). The owner, who sees everything, reads first and
    is the reference for the masked fields."""
    case = row.setup()
    assert row.allowed[0] == Role.OWNER
    caller = Caller()
    reference = None
    for role in row.allowed:
        client = caller.as_role(role)
        case.prepare(client.staff)
        before = database_fingerprint()
        response = _call(client, row, case)
        assert response.status_code == row.status, (role, response.content)
        data = response.json()
        assert case.check(data, client.staff) in (None, True), role
        reference = data if reference is None else reference
        _assert_masked_as_declared(row, role, data, client.staff, reference)
        assert changed_tables(before, database_fingerprint()) == {}, f"GET as {role} wrote"


@pytest.mark.parametrize(("row", "role"), [(row, role) for row in WRITES for role in row.allowed],
                         ids=lambda value: value.id if isinstance(value, Row) else value)
def test_every_role_with_permission_writes_with_the_expected_effect(db, row, role):
    case = row.setup()
    client = ApiClient(staff_of(role))
    case.prepare(client.staff)

    response = _call(client, row, case)

    assert response.status_code == row.status, response.content
    assert case.check(response.json(), client.staff) in (None, True)


def _operations() -> set[tuple[str, str]]:
    paths = api.get_openapi_schema()["paths"]
    return {(method.upper(), path) for path, methods in paths.items() for method in methods}


def test_every_operation_has_a_row_in_the_matrix():
    rows = {(row.method, row.path) for row in ROWS}
    assert len(rows) == len(ROWS), "duplicate rows"
    assert _operations() - rows == set(), "operations without a permission-matrix row"
    assert rows - _operations() == set(), "rows for operations that do not exist"


def test_every_api_url_is_an_operation_or_the_open_docs(db, client):
    """The resolver's side: nothing under /api/ escapes the schema walk above, and the only
    URLs there that answer without authentication are the docs and the schema."""
    operation_paths = {re.sub(r"\{(\w+)\}", r"<\1>", path) for _method, path in _operations()}
    open_urls = {"/api/docs": 200, "/api/openapi.json": 200}
    for pattern in filter(is_api, all_patterns()):
        route = "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", pattern.route)
        if route in open_urls:
            assert client.get(route).status_code == open_urls.pop(route)
        elif route != "/api/":  # Ninja's root: a URL prefix that answers nothing (404)
            assert route in operation_paths, f"{route}: not in the schema, so never checked"
        else:
            assert resolve(route).url_name == "api-root"
            assert client.get(route).status_code == 404
    assert open_urls == {}


# Open to every authenticated caller, answering about the caller only: who I am, my numbers.
OWN_VIEWS = {"GET /accounts/me": "me", "GET /team/me/numbers": "my_numbers"}


def test_only_the_callers_own_views_are_open_to_every_authenticated_caller():
    open_rows = [row for row in ROWS if row.permission is None]
    assert [row.id for row in open_rows] == list(OWN_VIEWS)
    assert all(NOBODY in row.allowed for row in open_rows)
    assert all(NOBODY in row.denied for row in ROWS if row.permission is not None)


def _view_functions():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield method, f"/api{prefix}{path}", inspect.unwrap(operation.view_func)


def _first_statement(func) -> ast.stmt:
    body = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body[0]


def test_every_view_checks_the_permission_its_row_declares_first():
    """Static guard: ``require_perm(request, "app.codename", ...)`` is each view's first
    statement, so nothing is looked up or written before the check, and it checks exactly
    the permissions the row declares (which decide the roles the matrix expects)."""
    declared = {(row.method, row.path): row.permissions for row in ROWS}
    checked = 0
    for method, path, func in _view_functions():
        if declared[(method, path)] == ():
            assert func.__name__ in OWN_VIEWS.values(), path
            continue
        statement = _first_statement(func)
        call = getattr(statement, "value", None)
        assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "require_perm", path
        permissions = tuple(arg.value for arg in call.args[1:])
        assert permissions == declared[(method, path)], path
        checked += 1
    assert checked == len(ROWS) - len(OWN_VIEWS)


PERSONAL_NAMES = {"phone", "recipient_name", "recipient_phone", "address_detail"}
CUSTOMER_SCHEMAS = re.compile(r"^(Customer|Address)\w*Out$")  # their name, email, detail too
# Profit and margin tell the cost of goods; a discount's cost (money given away) does not.
COST_NAMES = re.compile(r"(?<!discount_)cost|gross_profit|margin")


def _sensitive_paths(schema: dict, components: dict, prefix: str = "", seen=()) -> set[str]:
    """Dotted paths (``*`` for list items) of the properties of a response schema that hold
    customers' personal data or cost prices."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return set()
        return _sensitive_paths({**components[name], "title": name}, components, prefix,
                                (*seen, name))
    found = set()
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, ()):
            found |= _sensitive_paths(option, components, prefix, seen)
    if "items" in schema:
        found |= _sensitive_paths(schema["items"], components, f"{prefix}*.", seen)
    customer = bool(CUSTOMER_SCHEMAS.match(schema.get("title", "")))
    for name, field in schema.get("properties", {}).items():
        if name in PERSONAL_NAMES or COST_NAMES.search(name) or (
                customer and name in {"name", "email", "detail"}):
            found.add(prefix + name)
        found |= _sensitive_paths(field, components, f"{prefix}{name}.", seen)
    return found


def test_every_read_showing_personal_data_or_costs_declares_its_masks():
    """By construction: a read whose response schema holds a phone, a recipient, an address,
    a customer's name or email, or a cost must declare how each is masked."""
    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for row in READS:
        response = schema["paths"][row.path]["get"]["responses"][row.status]
        # The analytics reads declare no schema: aggregates, no customer or cost fields.
        body = response.get("content", {}).get("application/json", {}).get("schema", {})
        sensitive = _sensitive_paths(body, components)
        assert sensitive == {mask.path for mask in row.masks}, row.id
