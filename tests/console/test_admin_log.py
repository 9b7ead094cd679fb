"""Console saves keep no Django admin log: the actions' operation log is the audit trail."""

import pytest
from django.contrib.admin.models import LogEntry

from tests import factories
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog.models import Tag

pytestmark = pytest.mark.django_db


def test_a_console_save_writes_the_operation_log_and_no_admin_log(client):
    client.force_login(factories.make_staff("owner"))
    response = client.post("/catalog/tag/add/", {"name": "新品"})
    assert response.status_code == 302, response.content[:500]
    tag = Tag.objects.get(name="新品")
    assert OperationLog.objects.filter(object_id=str(tag.pk)).exists()
    assert not LogEntry.objects.exists()
