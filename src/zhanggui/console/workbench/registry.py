"""The workbench's to-dos: a small registry of providers.

A provider (``Todo``) says what one to-do is: its code, label and icon, the permissions a
staff member needs to see it (all of them; a role sees only what it may open and act on),
how to count it, the console list that shows exactly the rows counted, and how urgent a
non-zero count is. Counts that share a query name the same *batch* (a function of the
``Context``), which runs once per page however many to-dos read it.

Adding a to-do is a few lines in a providers module (imported by ``view``)::

    register(Todo("tasks_mine", _("Tasks assigned to me"), "task_alt",
                  ("tasks.view_task", "tasks.change_task"),
                  count=lambda ctx: ctx.batch(task_counts)["mine"],
                  url=lambda: list_url("tasks.task", "scope=mine")))

and, if a role should see it early, its code in ``ROLE_ORDER``. The list the URL opens must
filter exactly the rows counted (``tests/console/test_workbench.py`` checks every to-do).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Severity of a to-do with a non-zero count: ``danger`` (red: overdue, past a deadline),
# ``warning`` (a deadline is near, or stock is short), ``info`` (the daily flow of work).
DANGER, WARNING, INFO = "danger", "warning", "info"


@dataclass
class Context:
    """What a count may read: the staff member, the moment of the page, and the batches
    already computed for it."""

    user: Any
    now: datetime
    _batches: dict = field(default_factory=dict)

    def batch(self, compute: Callable[["Context"], dict]) -> dict:
        """``compute(self)``, once per page."""
        if compute not in self._batches:
            self._batches[compute] = compute(self)
        return self._batches[compute]


@dataclass(frozen=True)
class Todo:
    code: str
    label: Any  # a lazy translation
    icon: str  # a Material Symbols name, as the sidebar uses
    permissions: tuple[str, ...]
    count: Callable[[Context], int]
    url: Callable[[], str]
    severity: str = INFO
    help: Any = ""  # a lazy translation: what exactly is counted

    def visible_to(self, user) -> bool:
        return bool(user and user.is_active and user.is_staff
                    and all(user.has_perm(permission) for permission in self.permissions))


REGISTRY: dict[str, Todo] = {}

# The order in which each role sees its to-dos (codes not listed follow, in the order they
# were registered). A staff member with several roles gets the order of the first role
# listed here that they hold.
ROLE_ORDER: dict[str, list[str]] = {
    "warehouse": ["waves_to_pick", "parcels_to_pick", "parcels_picking", "parcels_packed",
                  "parcels_not_collected", "orders_to_ship", "low_stock", "returns_to_receive",
                  "tasks_mine_overdue", "tasks_mine"],
    "service": ["held_orders", "orders_to_review", "aftersales_overdue", "aftersales_due_soon",
                "aftersales_waiting", "parcels_delivery_failed", "parcels_tracking_stalled",
                "tasks_mine_overdue", "tasks_mine"],
    "finance": ["refunds_to_issue", "payment_callbacks_failed", "reorder_today",
                "tasks_mine_overdue", "tasks_mine"],
    "operator": ["listings_blocked", "tasks_mine_overdue", "tasks_mine"],
    "designer": ["listings_blocked"],
    "owner": ["tasks_escalated_to_me", "tasks_mine_overdue", "aftersales_overdue",
              "held_orders", "payment_callbacks_failed", "parcels_delivery_failed",
              "parcels_not_collected", "parcels_tracking_stalled", "orders_to_review",
              "orders_to_ship", "waves_to_pick", "parcels_to_pick", "parcels_picking",
              "parcels_packed",
              "aftersales_due_soon", "aftersales_waiting", "refunds_to_issue",
              "returns_to_receive", "low_stock", "reorder_today", "listings_blocked",
              "tasks_mine"],
}
ROLE_PRIORITY = ["owner", "service", "warehouse", "finance", "operator", "designer", "analyst"]


def register(todo: Todo) -> Todo:
    if todo.code in REGISTRY:
        raise ValueError(f"to-do {todo.code!r} is registered twice")
    REGISTRY[todo.code] = todo
    return todo


def primary_role(user, roles: list[str]) -> str:
    """The role whose order the workbench follows: the owner's for a superuser."""
    if getattr(user, "is_superuser", False):
        return "owner"
    return next((role for role in ROLE_PRIORITY if role in roles), "")


def ordered(todos: list[Todo], role: str) -> list[Todo]:
    """``todos`` in the role's order, the unlisted ones after in registry order."""
    order = ROLE_ORDER.get(role, [])
    rank = {code: index for index, code in enumerate(order)}
    registered = {code: index for index, code in enumerate(REGISTRY)}
    return sorted(todos, key=lambda todo: (rank.get(todo.code, len(order)),
                                           registered.get(todo.code, 0)))


def visible_todos(user, role: str) -> list[Todo]:
    """The registered to-dos ``user`` may see, in ``role``'s order."""
    return ordered([todo for todo in REGISTRY.values() if todo.visible_to(user)], role)


@dataclass(frozen=True)
class Counted:
    todo: Todo
    count: int
    url: str

    @property
    def severity(self) -> str:
        return self.todo.severity if self.count else "none"


def count_todos(todos: list[Todo], context: Context) -> list[Counted]:
    return [Counted(todo, int(todo.count(context)), todo.url()) for todo in todos]
