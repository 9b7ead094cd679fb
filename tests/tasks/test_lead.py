"""A staff member's lead (``accounts.actions.set_staff_lead``): who overdue tasks go to."""

import pytest

from tests import factories
from zhanggui.accounts.actions import deactivate_staff, set_staff_lead
from zhanggui.accounts.errors import InvalidLead
from zhanggui.accounts.models import OperationLog, Staff

pytestmark = pytest.mark.django_db


def test_set_and_clear_a_lead(owner):
    lead, member = factories.make_staff("service"), factories.make_staff("service")
    assert set_staff_lead(member, lead=lead, actor=owner).lead == lead
    entry = OperationLog.objects.get(action="accounts.set_staff_lead")
    assert entry.before == {"lead": None} and entry.after == {"lead": lead.pk}
    set_staff_lead(member, lead=lead, actor=owner)  # unchanged: no second entry
    assert OperationLog.objects.filter(action="accounts.set_staff_lead").count() == 1
    assert set_staff_lead(member, lead=None, actor=owner).lead is None


def test_refused_leads_change_nothing(owner):
    a, b, c = (factories.make_staff("service") for _ in range(3))
    set_staff_lead(b, lead=a, actor=owner)
    set_staff_lead(c, lead=b, actor=owner)
    leaver = factories.make_staff("service")
    deactivate_staff(leaver, actor=owner)
    for staff, lead in ((a, a), (a, c), (a, b), (a, leaver)):  # self, cycles, inactive
        with pytest.raises(InvalidLead):
            set_staff_lead(staff, lead=lead, actor=owner)
    assert Staff.objects.get(pk=a.pk).lead is None
    assert OperationLog.objects.filter(action="accounts.set_staff_lead").count() == 2
