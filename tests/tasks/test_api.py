"""The tasks API beyond the permission matrix: the assignee's own right to comment and
resolve, refusals that change nothing, the list's filters, routes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.api.support import ApiClient
from zhanggui.accounts.models import OperationLog
from zhanggui.tasks import actions
from zhanggui.tasks.models import Task, TaskComment, TaskRoute, TaskStatus

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks"


def _open(**kwargs):
    return actions.open_task("test_followup", subject=factories.make_category(), title="跟进",
                             **kwargs)


def test_working_on_tasks_through_the_api_takes_the_change_permission(owner):
    """The analyst only views tasks: through the API, even one assigned to them is
    read-only (the console's task page lets them comment and resolve it)."""
    analyst = factories.make_staff("analyst")
    task = _open()
    actions.assign_task(task, assignee=analyst, actor=owner)
    client = ApiClient(analyst)
    assert client.get(f"{URL}/{task.pk}").status_code == 200
    assert client.post(f"{URL}/{task.pk}/comment", {"text": "x"}).status_code == 403
    assert client.post(f"{URL}/{task.pk}/resolve", {"resolution": "fixed"}).status_code == 403
    task.refresh_from_db()
    assert task.is_open and not task.comments.exists()


def test_invalid_resolution_is_422_and_changes_nothing():
    service = factories.make_staff("service")
    task, client = _open(), ApiClient(service)
    log_count = OperationLog.objects.count()
    response = client.post(f"{URL}/{task.pk}/resolve", {"resolution": "teleported"})
    assert response.status_code == 422 and response.json()["code"] == "invalid_task_resolution"
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and task.resolution == ""
    assert OperationLog.objects.count() == log_count


def test_resolving_a_resolved_task_is_409():
    service = factories.make_staff("service")
    task = _open()
    actions.resolve_task(task, resolution="fixed", actor=service)
    response = ApiClient(service).post(f"{URL}/{task.pk}/resolve", {"resolution": "fixed"})
    assert response.status_code == 409 and response.json()["code"] == "task_not_open"


def test_assign_to_a_designer_is_refused():
    service, designer = factories.make_staff("service"), factories.make_staff("designer")
    task = _open()
    response = ApiClient(service).post(f"{URL}/{task.pk}/assign", {"assignee_id": designer.pk})
    assert response.status_code == 422 and response.json()["code"] == "invalid_task_assignee"
    assert Task.objects.get(pk=task.pk).assignee == service


def test_blank_comment_is_refused():
    service = factories.make_staff("service")
    task = _open()
    assert ApiClient(service).post(f"{URL}/{task.pk}/comment", {"text": "   "}).status_code == 422
    assert not TaskComment.objects.exists()


def test_list_filters(owner):
    service = factories.make_staff("service")
    mine = _open()
    late = _open(due_at=timezone.now() - timedelta(hours=1))
    actions.assign_task(late, assignee=owner, actor=owner)
    done = _open()
    actions.resolve_task(done, resolution="fixed", actor=service)
    other_kind = actions.open_task("test_stock_check", subject=factories.make_category(), title="x")
    client = ApiClient(service)

    def ids(**query):
        response = client.get(URL, **query)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids() == {mine.pk, late.pk, done.pk, other_kind.pk}
    assert ids(assignee="me") == {mine.pk, done.pk}
    assert ids(assignee=str(owner.pk)) == {late.pk}
    assert ids(overdue="true") == {late.pk}
    assert ids(status="resolved") == {done.pk}
    assert ids(kind="test_stock_check") == {other_kind.pk}
    assert ids(status="open", assignee="me") == {mine.pk}
    assert client.get(URL, assignee="someone").status_code == 422
    item = client.get(f"{URL}/{late.pk}").json()
    assert item["overdue"] is True and item["subject_type"] == "catalog.category"


def test_routes(owner):
    client = ApiClient(owner)
    keeper = factories.make_staff("warehouse")
    response = client.request("PUT", f"{URL}/routes/test_followup",
                              {"assignee_id": keeper.pk, "sla_hours": "1.5"})
    assert response.status_code == 200, response.content
    route = TaskRoute.objects.get(kind="test_followup")
    assert route.assignee == keeper and str(route.sla_hours) == "1.50"
    assert _open().assignee == keeper
    rows = {row["kind"]: row for row in client.get(f"{URL}/routes").json()}
    assert rows["test_followup"]["assignee_id"] == keeper.pk
    assert rows["test_stock_check"]["is_active"] is False
    unknown = client.request("PUT", f"{URL}/routes/no_such_kind", {"role": "service"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_task_kind"
    bad_role = client.request("PUT", f"{URL}/routes/test_followup", {"role": "boss"})
    assert bad_role.status_code == 422
    assert TaskRoute.objects.get(kind="test_followup").role == ""
