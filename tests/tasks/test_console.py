"""The console's task pages: the default list, the task page and its POST-only forms, the
routes page, and the staff member's lead."""

import pytest
from django.urls import reverse

from tests import factories
from zhanggui.accounts.models import OperationLog, Staff
from zhanggui.tasks import actions
from zhanggui.tasks.models import Task, TaskComment, TaskRoute, TaskStatus

pytestmark = pytest.mark.django_db


def _open(title="跟进", kind="test_followup", subject=None):
    return actions.open_task(kind, subject=subject or factories.make_category(), title=title)


def _page(task):
    return reverse("admin:tasks_task_change", args=[task.pk])


def test_the_list_shows_open_tasks_of_mine_and_my_roles_by_default(login, owner):
    client = login("service")
    mine = _open("我的任务")
    other_role = _open("仓库的任务", kind="test_stock_check")
    done = _open("已完成的任务")
    actions.resolve_task(done, resolution="fixed", actor=owner)
    given_away = _open("别人的任务")
    actions.assign_task(given_away, assignee=owner, actor=owner)
    assert mine.assignee == client.staff
    url = reverse("admin:tasks_task_changelist")
    page = client.get(url).content.decode()
    assert "我的任务" in page and "仓库的任务" not in page and "已完成的任务" not in page
    assert "别人的任务" in page  # still of my role
    everyone = client.get(url, {"scope": "all", "state": "all"}).content.decode()
    assert all(title in everyone for title in ("仓库的任务", "已完成的任务", "别人的任务"))
    only_mine = client.get(url, {"scope": "mine"}).content.decode()
    assert "我的任务" in only_mine and "别人的任务" not in only_mine
    resolved = client.get(url, {"state": "resolved", "scope": "all"}).content.decode()
    assert "已完成的任务" in resolved and "我的任务" not in resolved
    assert other_role.role == "warehouse"


def test_the_task_page_links_the_subject_and_offers_the_forms(login):
    client = login("service")
    subject = factories.make_category()
    task = _open(subject=subject)
    actions.comment_task(task, text="买家已回复", actor=client.staff)
    page = client.get(_page(task)).content.decode()
    assert reverse("admin:catalog_category_change", args=[subject.pk]) in page
    assert "买家已回复" in page
    for name in ("assign", "comment", "resolve"):
        assert reverse(f"admin:tasks_task_{name}", args=[task.pk]) in page
    assert 'value="refunded"' in page


def test_comment_and_resolve_through_the_console(login):
    client = login("service")
    task = _open()
    client.post(reverse("admin:tasks_task_comment", args=[task.pk]), {"text": "已处理"})
    assert TaskComment.objects.get(task=task).author == client.staff
    response = client.post(reverse("admin:tasks_task_resolve", args=[task.pk]),
                           {"resolution": "refunded", "note": "退了"})
    assert response.status_code == 302 and response.url == _page(task)
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED and task.resolution == "refunded"


def test_an_invalid_resolution_is_refused_and_nothing_changes(login):
    client = login("service")
    task = _open()
    log_count = OperationLog.objects.count()
    response = client.post(reverse("admin:tasks_task_resolve", args=[task.pk]),
                           {"resolution": "teleported"}, follow=True)
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and OperationLog.objects.count() == log_count


def test_the_assignee_without_the_change_permission_may_comment_and_resolve(login, owner):
    client = login("analyst")
    task, other = _open(), _open()
    actions.assign_task(task, assignee=client.staff, actor=owner)
    page = client.get(_page(task)).content.decode()
    assert reverse("admin:tasks_task_resolve", args=[task.pk]) in page
    assert reverse("admin:tasks_task_assign", args=[task.pk]) not in page
    client.post(reverse("admin:tasks_task_resolve", args=[task.pk]), {"resolution": "fixed"})
    assert Task.objects.get(pk=task.pk).status == TaskStatus.RESOLVED
    for name, data in (("comment", {"text": "x"}), ("resolve", {"resolution": "fixed"}),
                       ("assign", {"assignee": client.staff.pk})):
        response = client.post(reverse(f"admin:tasks_task_{name}", args=[other.pk]), data)
        assert response.status_code == 403, name
    other.refresh_from_db()
    assert other.is_open and other.assignee is None and not other.comments.exists()


def test_assign_through_the_console(login):
    client = login("service")
    keeper = factories.make_staff("warehouse")
    task = _open()
    client.post(reverse("admin:tasks_task_assign", args=[task.pk]), {"assignee": keeper.pk})
    assert Task.objects.get(pk=task.pk).assignee == keeper


def test_the_owner_sets_a_route(login):
    client = login("owner")
    keeper = factories.make_staff("warehouse")
    response = client.post(reverse("admin:tasks_taskroute_add"), {
        "kind": "test_followup", "assignee": keeper.pk, "role": "", "sla_hours": "2",
        "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    route = TaskRoute.objects.get(kind="test_followup")
    assert route.assignee == keeper and OperationLog.objects.filter(
        action="tasks.save_route", actor=client.staff).exists()
    response = client.post(reverse("admin:tasks_taskroute_change", args=[route.pk]), {
        "assignee": "", "role": "finance", "sla_hours": "", "is_active": "on"})
    assert response.status_code == 302
    route.refresh_from_db()
    assert route.assignee is None and route.role == "finance" and route.sla_hours is None
    assert TaskRoute.objects.count() == 1


def test_the_owner_sets_a_staff_members_lead(login):
    client = login("owner")
    lead, member = factories.make_staff("service"), factories.make_staff("service")
    url = reverse("admin:accounts_staff_set_lead", args=[member.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"lead": lead.pk})
    assert Staff.objects.get(pk=member.pk).lead == lead
    # a cycle is refused
    client.post(reverse("admin:accounts_staff_set_lead", args=[lead.pk]), {"lead": member.pk})
    assert Staff.objects.get(pk=lead.pk).lead is None
