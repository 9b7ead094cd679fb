"""Shared fixtures. Factories live in ``tests/factories.py`` and are called explicitly."""

import pytest

from tests import factories
from zhanggui.accounts.roles import sync_roles


@pytest.fixture(autouse=True)
def _restore_migrated_data(request, django_db_blocker):
    """Re-create the role groups after a transactional test.

    A transactional test ends by flushing every table, the role groups that the migrations
    created included; whichever test runs next in the same worker (xdist decides) must still
    find them. Permissions and content types come back by themselves (the flush emits
    ``post_migrate``); the groups are data and must be synced again.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False))
    if transactional:
        with django_db_blocker.unblock():
            sync_roles()


@pytest.fixture
def owner(db):
    return factories.make_staff("owner")


@pytest.fixture
def role_staff(db):
    """Build a staff member of a role: ``role_staff("warehouse")``."""
    return factories.make_staff
