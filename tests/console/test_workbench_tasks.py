"""The workbench's task to-dos (``tasks.queries.task_counts_for``): mine, mine overdue (red,
first) and escalated to me, each count the number of rows the task list shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.console.workbench_support import client_for, list_rows, shown_todos
from tests.tasks.support import OTHER_KIND, TEST_KIND, test_kinds
from zhanggui.tasks import actions as task_actions


@pytest.fixture
def tasks(db):
    """A service agent with two open tasks (one overdue and escalated to the owner) and one
    resolved; a warehouse task that is someone else's."""
    test_kinds()
    owner, agent = client_for("owner"), client_for("service")
    warehouse = client_for("warehouse")
    now = timezone.now()

    def task(kind, due_in_hours):
        return task_actions.open_task(kind.code, subject=factories.make_category(),
                                      title="跟进", due_at=now + timedelta(hours=due_in_hours))

    upcoming, overdue, done = (task(TEST_KIND, hours) for hours in (3, -2, -5))
    task(OTHER_KIND, -1)  # the warehouse's, overdue
    task_actions.resolve_task(done, resolution="fixed", actor=agent.staff)
    assert {upcoming.assignee, overdue.assignee} == {agent.staff}  # the only service agent
    task_actions.escalate_overdue_tasks(now=now)  # the agent has no lead: to the owner
    return {"owner": owner, "agent": agent, "warehouse": warehouse}


def _todos(client) -> dict:
    response = client.get("/")
    assert response.status_code == 200
    return {todo.code: todo for todo in shown_todos(response.content.decode())}


def test_my_tasks_and_my_overdue_tasks_open_the_lists_that_hold_them(tasks):
    agent = tasks["agent"]
    shown = _todos(agent)
    assert next(iter(shown)) == "tasks_mine_overdue"
    assert shown["tasks_mine_overdue"].severity == "danger"
    assert (shown["tasks_mine_overdue"].count, shown["tasks_mine"].count) == (1, 2)
    for code in ("tasks_mine_overdue", "tasks_mine"):
        assert list_rows(agent, shown[code].url) == shown[code].count, code
    assert "tasks_escalated_to_me" not in shown


def test_the_owner_sees_what_was_escalated_to_them(tasks):
    owner = tasks["owner"]
    shown = _todos(owner)
    escalated = shown["tasks_escalated_to_me"]
    assert escalated.count == 2 and escalated.severity == "danger"  # the agent's, the warehouse's
    assert list_rows(owner, escalated.url) == 2
    assert "tasks_mine" not in shown  # nothing is assigned to this owner


def test_the_warehouse_sees_its_own_overdue_task_only(tasks):
    shown = _todos(tasks["warehouse"])
    assert shown["tasks_mine_overdue"].count == 1
    assert list_rows(tasks["warehouse"], shown["tasks_mine_overdue"].url) == 1


def test_roles_that_do_not_work_tasks_do_not_see_them(tasks):
    for role in ("designer", "analyst"):
        page = client_for(role).get("/").content.decode()
        assert 'data-todo="tasks_mine"' not in page, role
