"""Changelists load related rows up front: more rows never mean more queries."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.console.conftest import build_store
from tests.console.test_pages import CONSOLE_APPS


def _changelist_queries(client) -> dict[str, int]:
    counts = {}
    for model in admin.site._registry:
        if model._meta.app_label not in CONSOLE_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        if status != 403:
            assert status == 200, url
            counts[model._meta.label_lower] = len(queries)
    return counts


@pytest.mark.usefixtures("store")
@pytest.mark.parametrize("role", ["owner", "service"])  # service: with masked columns
def test_changelists_make_the_same_number_of_queries_for_more_rows(login, sku, role):
    client = login(role)
    before = _changelist_queries(client)
    build_store(sku)
    build_store(sku)
    assert _changelist_queries(client) == before
