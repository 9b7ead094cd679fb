"""The team pages answer each role as ``tests/console/page_rows_team.py`` declares (the page
matrix's own check, over these pages only, until the lead wires the rows in); no GET
changes the database."""

import pytest

from tests.console import test_page_matrix as matrix
from tests.console.conftest import sku  # noqa: F401  (the page store's SKU)
from tests.console.page_kinds import ANONYMOUS, NOBODY, ROLES, console_patterns
from tests.console.page_rows_team import PAGES, make_team_objects
from tests.fingerprint import changed_tables, database_fingerprint


@pytest.mark.parametrize("role", [*ROLES, NOBODY, ANONYMOUS])
def test_team_pages_answer_each_role_as_declared(db, sku, tmp_path, role):  # noqa: F811
    client = matrix._client(role)
    store = matrix.every_kind(sku, tmp_path)
    make_team_objects(store)
    before = database_fingerprint()
    wrong = []
    patterns = [p for p in console_patterns() if p.key in PAGES]
    assert {p.key for p in patterns} == set(PAGES)
    for pattern in patterns:
        page = PAGES[pattern.key]
        url = matrix._url(pattern, page, store)
        response = client.get(url)
        status, location = matrix._expected(page, role, store, url)
        answer = (response.status_code, response.get("Location") if location else None)
        if answer != (status, location):
            wrong.append(f"{pattern.key} {url}: {answer}, expected {(status, location)}")
        elif status == 200 and client.staff is not None:
            matrix._check_data_permissions(pattern.key, response.content.decode(), client.staff)
    assert not wrong, "\n".join(wrong)
    assert changed_tables(before, database_fingerprint()) == {}
