"""The stock sync's page-matrix rows (``tests/console/page_rows_channel_sync.py``) hold:
every named page answers each role as its row says (GET; POST-only pages refuse a GET)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.channels.sync_factories import channel_export_dir  # noqa: F401 (fixture)
from tests.console.page_kinds import ROLES
from tests.console.page_rows_channel_sync import PAGES, make_channel_sync_objects
from tests.console.page_rows_channels import make_channel_objects

pytestmark = pytest.mark.django_db


def test_each_page_answers_each_role_as_its_row_says():
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 12)
    store = {"sku": sku}
    make_channel_objects(store)
    make_channel_sync_objects(store)
    for role in ROLES:
        if role == "supplier":
            continue
        client = Client()
        client.force_login(factories.make_staff(role))
        for name, page in PAGES.items():
            if not name.startswith("admin:"):
                continue
            url = reverse(name, kwargs=page.params(store))
            status = client.get(url).status_code
            if page.post_only:  # a GET is refused for everyone signed in
                assert status == 405, (role, name, status)
            elif role not in page.roles:
                assert status == page.denied, (role, name, status)
            else:
                assert status == (302 if page.redirect else 200), (role, name, status)
