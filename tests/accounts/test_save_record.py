"""Saving master data that another request deleted meanwhile is refused as not found, not a
server error, and writes nothing."""

import pytest

from zhanggui.accounts.actions import save_record
from zhanggui.accounts.models import OperationLog
from zhanggui.catalog.models import Tag
from zhanggui.core.errors import NotFound

pytestmark = pytest.mark.django_db


def test_saving_a_record_deleted_meanwhile_is_not_found():
    tag = Tag.objects.create(name="新品")
    stale = Tag.objects.get(pk=tag.pk)
    Tag.objects.filter(pk=tag.pk).delete()  # another request deleted it
    stale.name = "爆款"
    with pytest.raises(NotFound):
        save_record(stale, actor=None, changed_fields=["name"])
    assert not Tag.objects.exists() and not OperationLog.objects.exists()
