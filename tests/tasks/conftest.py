import pytest

from tests import factories
from tests.tasks.support import test_kinds


@pytest.fixture(autouse=True)
def kinds():
    return test_kinds()


@pytest.fixture
def subject(db):
    return factories.make_category()
