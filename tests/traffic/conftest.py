"""Fixtures of the traffic tests."""

import pytest

from tests.api.support import ApiClient, staff_of


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_role(db):
    def build(role: str) -> ApiClient:
        return ApiClient(staff_of(role))

    return build
