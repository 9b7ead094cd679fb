"""Every console URL, opened by every role: the answers the page matrix declares.

The URL patterns come from the resolver (``page_matrix.console_patterns()``: the admin
site's lists, add/change/delete/history pages and custom views, and the rest of the site
outside the API), so a new page without a row in ``page_matrix.PAGES`` fails
``test_every_console_url_pattern_has_a_row``.

What the site does, and these tests hold it to:

- A signed-in staff member whose role may open a page gets it (200, or the redirect the
  row declares); any other gets 403, as Django's admin answers staff without the model
  permission (404 for an app index with nothing to show). Staff without any role may open
  only the pages every staff member may (home, search, their second factor, ...).
- A visitor who is not signed in is sent to the login page with ``?next=`` the page (the
  browser's equivalent of the API's 401), except the login page itself (200), logout and
  the language switch (which send them home).
- A page that changes something is POST-only: a GET gets 405 (``post_only`` rows).
- Customers' personal data and cost prices: no page a role may open shows them in full
  unless the role holds ``customers.view_personal_data`` / ``catalog.view_cost``; the pages
  in ``MASKED`` show them in full to those who hold it and masked to the others.
- No GET changes the database: the owner, who may open every page, GETs every URL (and a
  few with a query string, ``QUERY_GETS``); a fingerprint of every table
  (``tests/fingerprint.py``) must be the same after as before.
"""

import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client

from tests import factories
from tests.console.page_matrix import (
    ANONYMOUS,
    LOGIN,
    NOBODY,
    PAGES,
    QUERY_GETS,
    ROLES,
    Page,
    Pattern,
    console_patterns,
    every_kind,
    fill,
)
from tests.fingerprint import changed_tables, database_fingerprint
from zhanggui.accounts.actions import create_staff
from zhanggui.customers.rules import PERSONAL_DATA_PERMISSION, mask_address, mask_name

COST_PERMISSION = "catalog.view_cost"
FULL_NAME, STREET, RECIPIENT_PHONE, COST = "张三丰", "西湖区文三路 100 号", "13800000000", "40.00"
COST_PATTERN = re.compile(r"(?<![\d.])40\.00(?!\d)")

# Pages that show personal data or costs, and which (a field the page shows only to holders
# of another permission too is written "field:permission").
MASKED: dict[str, list[str]] = {
    "admin:orders_order_change": ["name", "phone", "street", "cost"],
    "admin:orders_order_changelist": ["name"],
    "admin:orders_orderline_changelist": ["cost"],
    "admin:customers_customer_changelist": ["name"],
    "admin:customers_customer_change": ["name", "street:customers.view_address"],
    "admin:customers_address_changelist": ["name", "street"],
    "admin:customers_address_change": ["name", "street"],
    "admin:catalog_sku_changelist": ["cost"],
    "admin:catalog_sku_change": ["cost"],
}
SHOWN = {  # field: (permission, in full, masked — None: hidden altogether)
    "name": (PERSONAL_DATA_PERMISSION, FULL_NAME, mask_name(FULL_NAME)),
    "phone": (PERSONAL_DATA_PERMISSION, RECIPIENT_PHONE, "138****0000"),
    "street": (PERSONAL_DATA_PERMISSION, STREET, mask_address(STREET)),
    "cost": (COST_PERMISSION, "¥40.00", None),
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _client(role: str) -> Client:
    client = Client()
    if role == ANONYMOUS:
        client.staff = None
        return client
    staff = (create_staff("nobody", password=factories.PASSWORD, roles=[], actor=None)
             if role == NOBODY else factories.make_staff(role))
    client.force_login(staff)
    client.staff = staff
    return client


def _url(pattern: Pattern, page: Page, store: dict) -> str:
    if page.url is not None:
        return page.url(store)
    return fill(pattern, page.params(store))


def _login_redirect(url: str) -> str:
    return "/login/?next=" + quote(url, safe="/")


def _expected(page: Page, role: str, store: dict, url: str) -> tuple[int, str | None]:
    """(status, location) a GET of ``url`` must get."""
    if role == ANONYMOUS:
        if page.anonymous == LOGIN:
            return 302, _login_redirect(url)
        if isinstance(page.anonymous, int):
            return page.anonymous, None
        return 302, page.anonymous
    if page.post_only:
        return 405, None
    if role in page.roles:
        return (302, page.redirect(store)) if page.redirect else (200, None)
    return page.denied, None


def _shown_here(key: str, staff) -> set[str]:
    """The fields of ``SHOWN`` that the page ``key`` shows to ``staff`` (masked or not)."""
    fields = set()
    for entry in MASKED.get(key, ()):
        field, _colon, needs = entry.partition(":")
        if not needs or staff.has_perm(needs):
            fields.add(field)
    return fields


def _check_data_permissions(key: str, html: str, staff) -> None:
    shown_here = _shown_here(key, staff)
    for field, (permission, full, masked) in SHOWN.items():
        holds = staff.has_perm(permission)
        if not holds:  # on every page: never in full
            shown = COST_PATTERN.search(html) if field == "cost" else full in html
            assert not shown, f"{key}: {field} shown in full without {permission}"
        if field in shown_here:
            assert (full in html) == holds, (key, field)
            if masked is not None and not holds:
                assert masked in html, (key, field)


def _walk(client: Client, role: str, store: dict, after_each=None) -> list[str]:
    """GET every console URL; the answers that differ from the matrix."""
    wrong = []
    for pattern in console_patterns():
        page = PAGES[pattern.key]
        url = _url(pattern, page, store)
        response = client.get(url)
        status, location = _expected(page, role, store, url)
        answer = (response.status_code, response.get("Location") if location else None)
        if answer != (status, location):
            wrong.append(f"{pattern.key} {url}: {answer}, expected {(status, location)}")
        elif status == 200 and client.staff is not None and response.get(
                "Content-Type", "").startswith("text/html"):
            _check_data_permissions(pattern.key, response.content.decode(), client.staff)
        if after_each is not None:
            after_each(pattern.key, url)
    return wrong


def test_every_console_url_pattern_has_a_row():
    keys = [pattern.key for pattern in console_patterns()]
    assert sorted(set(keys) - set(PAGES)) == [], "console pages without a page-matrix row"
    assert sorted(set(PAGES) - set(keys)) == [], "rows for pages that do not exist"
    assert len(keys) == len(set(keys)), "two patterns with one name"


def test_the_walk_finds_every_admin_page_and_custom_view():
    keys = {pattern.key for pattern in console_patterns()}
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{name}_changelist", f"{name}_change", f"{name}_history"} <= keys, name
    assert {"admin:analytics_report", "admin:imports_importrun_new",
            "admin:orders_order_review_one", "admin:login"} <= keys


@pytest.mark.parametrize("role", [role for role in ROLES if role != "owner"]
                         + [NOBODY, ANONYMOUS])
def test_every_console_page_answers_each_role_as_declared(db, sku, tmp_path, role):
    client = _client(role)
    store = every_kind(sku, tmp_path)
    wrong = _walk(client, role, store)
    assert not wrong, "\n".join(wrong)


def _get_every_url(client: Client, store: dict, after_each=None) -> list[str]:
    """The owner's walk, then the GETs with a query string; the answers that were wrong."""
    wrong = _walk(client, "owner", store, after_each=after_each)
    for query_url in QUERY_GETS:
        url = query_url(store)
        if client.get(url).status_code not in (200, 302):
            wrong.append(url)
        if after_each is not None:
            after_each("query", url)
    return wrong


def test_the_owner_opens_every_page_and_no_get_changes_the_database(db, sku, tmp_path):
    """The owner may open everything, so the owner's walk GETs every page. No table may
    have changed after it; if one did, a second walk fingerprints the database after each
    GET to name the page (a fingerprint per GET is slow: only when something wrote)."""
    client = _client("owner")
    store = every_kind(sku, tmp_path)
    before = database_fingerprint()
    wrong = _get_every_url(client, store)
    assert not wrong, "\n".join(wrong)
    changed = changed_tables(before, database_fingerprint())
    if not changed:
        return
    state = {"fingerprint": database_fingerprint(), "writers": []}

    def note_writes(key: str, url: str) -> None:
        now = database_fingerprint()
        if changed_tables(state["fingerprint"], now):
            state["writers"].append(f"GET {url} ({key}): {sorted(changed_tables(state['fingerprint'], now))}")
        state["fingerprint"] = now

    _get_every_url(client, store, after_each=note_writes)
    pytest.fail(f"GETs changed {sorted(changed)}:\n" + "\n".join(state["writers"]))
