"""The live page rows (tests/console/page_rows_live.py) hold: each role gets what its row says
(the page matrix runs them for the whole console once the lead wires them in)."""

import pytest
from django.urls import reverse

from tests.console.page_kinds import ROLES, first_pk
from tests.console.page_rows_live import PAGES, live_rows
from tests.factories import make_staff
from zhanggui.live.models import LiveSession

pytestmark = pytest.mark.django_db


def _url(name: str, page) -> str:
    params = page.params({})
    return reverse(name, kwargs=params)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "supplier"])
def test_rows(client, role):
    live_rows()
    assert first_pk(LiveSession)
    client.force_login(make_staff(role))
    for name, page in PAGES.items():
        if not name.startswith("admin:"):
            continue
        if name.endswith("_delete"):
            expected = 403
        elif role in page.roles or role == "owner":
            expected = 405 if page.post_only else (302 if page.redirect else 200)
        else:
            expected = 405 if page.post_only else 403
        status = client.get(_url(name, page)).status_code
        assert status == expected, (name, role, status)
