"""Fixtures of the API tests: clients authenticated as a role with a bearer token."""

import pytest

from tests.api.support import ApiClient, staff_of


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Staff are created in nearly every test; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_role(db):
    """``as_role("service")`` → an ``ApiClient`` with a bearer token of a new staff member
    of that role (``"nobody"``: a staff member without any role)."""

    def build(role: str, *, language: str | None = None) -> ApiClient:
        return ApiClient(staff_of(role), language=language)

    return build


@pytest.fixture
def anonymous(db):
    return ApiClient(None)


@pytest.fixture
def settled(settings):
    """Incremental sync lists a change at once (no settle time)."""
    settings.ZHANGGUI = {**settings.ZHANGGUI, "SYNC_SETTLE_SECONDS": 0}


@pytest.fixture
def api(db):
    """The owner's API client."""
    from tests import factories

    return ApiClient(factories.make_staff("owner"))
