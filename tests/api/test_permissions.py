"""Every operation: anonymous → 401, a role without the permission → 403 with nothing
changed, the role with it → 2xx and the expected effect; and no operation without a row."""

import ast
import inspect
import re
import textwrap

import pytest

from tests.api.matrix import ROWS, Row
from tests.api.support import ApiClient, assert_error, fingerprint, staff_of
from zhanggui.accounts.models import OperationLog
from zhanggui.api import api

MISSING_ID = 987654


def _path(row: Row, params: dict) -> str:
    return row.path.format(**params)


def _call(client: ApiClient, row: Row, case, params: dict | None = None):
    return client.request(row.method, _path(row, case.path if params is None else params),
                          case.body)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_anonymous_caller_gets_401(db, row):
    case = row.setup()
    before = fingerprint(case.target)

    response = _call(ApiClient(None), row, case)

    assert_error(response, 401, "not_authenticated")
    assert fingerprint(case.target) == before


@pytest.mark.parametrize("row", [r for r in ROWS if r.denied], ids=lambda row: row.id)
def test_role_without_permission_gets_403_and_nothing_changes(db, row):
    case = row.setup()
    client = ApiClient(staff_of(row.denied))
    log_count = OperationLog.objects.count()
    before = fingerprint(case.target)

    response = _call(client, row, case)

    assert_error(response, 403, "permission_denied")
    assert OperationLog.objects.count() == log_count
    assert fingerprint(case.target) == before
    if case.path:  # the check comes before any lookup: a missing object is also a 403
        missing = _call(client, row, case, dict.fromkeys(case.path, MISSING_ID))
        assert_error(missing, 403, "permission_denied")


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_role_with_permission_succeeds_with_the_expected_effect(db, row):
    case = row.setup()
    client = ApiClient(staff_of(row.allowed))

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


def test_only_me_is_open_to_every_authenticated_caller():
    assert [row.id for row in ROWS if row.denied is None] == ["GET /accounts/me"]


def _view_functions():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield f"{prefix}{path}", inspect.unwrap(operation.view_func)


def _first_statement(func) -> ast.stmt:
    body = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0].body
    if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body[0]


def test_every_view_checks_its_permission_first():
    """Static guard: ``require_perm(request, "app.codename", ...)`` is each view's first
    statement, so nothing is looked up or written before the check."""
    open_views = {"me"}
    checked = 0
    for path, func in _view_functions():
        if func.__name__ in open_views:
            continue
        statement = _first_statement(func)
        call = getattr(statement, "value", None)
        assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "require_perm", path
        permissions = [arg.value for arg in call.args[1:]]
        assert permissions and all(re.fullmatch(r"[a-z]+\.[a-z_]+", p) for p in permissions), path
        checked += 1
    assert checked == len(ROWS) - len(open_views)
