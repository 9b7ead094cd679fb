"""Shared fixtures. Factories live in ``tests/factories.py`` and are called explicitly."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from pytest_django.plugin import blocking_manager_key

from tests import factories
from tests.browser.support import browser_page  # noqa: F401  (a fixture for every directory)
from zhanggui.accounts.roles import sync_roles
from zhanggui.orders.review_config import seed_default_rules

_seed_carrier_services = import_module(
    "zhanggui.fulfillment.migrations.0007_seed_carrier_services").forwards


def _is_transactional(item: pytest.Item) -> bool:
    # ``live_server`` asks for ``transactional_db`` at run time, so a test that takes only
    # ``live_server`` does not name it among its fixtures, yet its data is flushed too.
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return "transactional_db" in names or "live_server" in names or (
        marker is not None and marker.kwargs.get("transaction", False))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Re-create the role groups, review rules and example carrier services after a
    transactional test.

    A transactional test ends by flushing every table, the role groups that the migrations
    created included; whichever test runs next in the same worker (xdist decides) must still
    find them. Permissions and content types come back by themselves (the flush emits
    ``post_migrate``); the groups are data. This runs after every fixture's teardown, so
    after the flush.
    """
    yield
    # After the session's last test the test database is already gone: nothing to restore.
    if nextitem is not None and _is_transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            sync_roles()
            seed_default_rules()  # the review rules the orders migration seeded are data too
            _seed_carrier_services(django_apps, None)  # and the example carrier services


@pytest.fixture(autouse=True)
def celery_joins_allowed():
    """Celery marks "inside an eager task, do not wait for a result" in one process-wide
    flag that each eager call saves and restores: eager tasks run at once in several threads
    (the concurrency tests) can leave it set, and a later test's ``result.get()`` would be
    refused. Every test starts with it cleared, as a fresh process does."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def warehouse_dir(settings, tmp_path):
    """Every test gets an empty analytics warehouse of its own."""
    from zhanggui.analytics import reader

    settings.ZHANGGUI_WAREHOUSE_DIR = tmp_path / "warehouse"
    reader.forget()
    yield settings.ZHANGGUI_WAREHOUSE_DIR
    reader.forget()


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """Every test writes its background exports into a folder of its own, inside the
    request (eager Celery) unless it asks for the web process's thread."""
    settings.ZHANGGUI_EXPORT_DIR = tmp_path / "exports"
    settings.ZHANGGUI_EXPORTS_IN_THREAD = False
    settings.ZHANGGUI_CHANNEL_EXPORT_DIR = tmp_path / "channel-exports"  # stock sync's CSVs
    return settings.ZHANGGUI_EXPORT_DIR


@pytest.fixture
def login(db, client):
    """``login("service")`` → a test client logged in as a new staff member of that role."""
    def log_in(role: str):
        staff = factories.make_staff(role)
        client.force_login(staff)
        client.staff = staff
        return client

    return log_in


@pytest.fixture
def postgres_only():
    """Concurrency is proved on PostgreSQL; on SQLite (one writer at a time) the test skips."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proved on PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def owner(db):
    return factories.make_staff("owner")


@pytest.fixture
def role_staff(db):
    """Build a staff member of a role: ``role_staff("warehouse")``."""
    return factories.make_staff


@pytest.fixture(autouse=True)
def no_login_delay(settings):
    """Failed logins are answered slowly in production; tests check the delay explicitly."""
    settings.ZHANGGUI_LOGIN_DELAY_SECONDS = 0


@pytest.fixture(autouse=True)
def no_insights_after_refresh(settings):
    """The work insights does after each warehouse refresh (demand forecasts, basket mining,
    recommendations, customer value, the daily briefing) is off: each area's tests turn
    its own on (it would cost every test that refreshes the warehouse those runs and add
    their rows and log entries)."""
    settings.ZHANGGUI_FORECAST_AFTER_REFRESH = False
    settings.ZHANGGUI_BASKET_AFTER_REFRESH = False
    settings.ZHANGGUI_RECOMMEND_AFTER_REFRESH = False
    settings.ZHANGGUI_CLV_AFTER_REFRESH = False
    settings.ZHANGGUI_BRIEFING_AFTER_REFRESH = False
