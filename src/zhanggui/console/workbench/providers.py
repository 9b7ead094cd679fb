"""The to-dos whose data exists: orders, after-sales, stock, listing quality and tasks.

Each count reads the same condition as the list its link opens (the apps' ``queries``
functions and the lists' filters), so the number on the workbench is the number of rows
the list shows; ``tests/console/test_workbench.py`` checks that for every provider.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhanggui.aftersales import queries as aftersales_queries
from zhanggui.console.workbench.registry import DANGER, WARNING, Context, Todo, register
from zhanggui.inventory import queries as inventory_queries
from zhanggui.listing import queries as listing_queries
from zhanggui.orders import queries as order_queries
from zhanggui.tasks import queries as task_queries


def list_url(model_label: str, query: str) -> str:
    app_label, model_name = model_label.split(".")
    return f"{reverse(f'admin:{app_label}_{model_name}_changelist')}?{query}"


# ---- batches: one query each, shared by the to-dos that read them ------------------------

def order_counts(context: Context) -> dict:
    return order_queries.count_review_work()


def aftersales_counts(context: Context) -> dict:
    return aftersales_queries.todo_counts(context.now)


# ---- orders -------------------------------------------------------------------------------

register(Todo(
    "orders_to_review", _("Orders to review"), "fact_check",
    ("orders.view_order", "orders.review_order"),
    count=lambda ctx: ctx.batch(order_counts)["to_review"],
    url=lambda: list_url("orders.order", "status__exact=paid&is_held__exact=0"),
    help=_("Paid, not yet reviewed (审单) and not held by a review rule.")))

register(Todo(
    "held_orders", _("Held orders"), "front_hand",
    ("orders.view_order", "orders.release_hold"),
    count=lambda ctx: ctx.batch(order_counts)["held"],
    url=lambda: list_url("orders.order", "is_held__exact=1"), severity=WARNING,
    help=_("Orders the review rules held: release, fix or cancel them.")))

register(Todo(
    "orders_to_ship", _("Orders to ship"), "local_shipping",
    ("orders.view_order", "fulfillment.ship_order"),
    count=lambda ctx: ctx.batch(order_counts)["to_ship"],
    url=lambda: list_url("orders.order", "status__exact=reviewed"),
    help=_("Reviewed and not yet shipped.")))

# ---- after-sales --------------------------------------------------------------------------

_REQUESTS = "aftersales.aftersalesrequest"
_DECIDE = ("aftersales.view_aftersalesrequest", "aftersales.decide_request")

register(Todo(
    "aftersales_overdue", _("After-sales requests past their deadline"), "alarm", _DECIDE,
    count=lambda ctx: ctx.batch(aftersales_counts)["overdue"],
    url=lambda: list_url(_REQUESTS, "todo=overdue"), severity=DANGER,
    help=_("Waiting for a decision longer than the shop's deadline.")))

register(Todo(
    "aftersales_due_soon", _("After-sales requests due soon"), "timer", _DECIDE,
    count=lambda ctx: ctx.batch(aftersales_counts)["due_soon"],
    url=lambda: list_url(_REQUESTS, "todo=due_soon"), severity=WARNING,
    help=_("The decision deadline falls within the next hours.")))

register(Todo(
    "aftersales_waiting", _("After-sales requests waiting"), "assignment_return", _DECIDE,
    count=lambda ctx: ctx.batch(aftersales_counts)["waiting"],
    url=lambda: list_url(_REQUESTS, "todo=waiting"),
    help=_("Requested and not yet approved or rejected.")))

register(Todo(
    "returns_to_receive", _("Returns to receive"), "move_to_inbox",
    ("aftersales.view_aftersalesrequest", "aftersales.receive_return"),
    count=lambda ctx: ctx.batch(aftersales_counts)["to_receive"],
    url=lambda: list_url(_REQUESTS, "todo=to_receive"),
    help=_("Approved returns and exchanges whose goods have not arrived.")))

register(Todo(
    "refunds_to_issue", _("Refunds to issue"), "currency_exchange",
    ("aftersales.view_aftersalesrequest", "aftersales.issue_refund"),
    count=lambda ctx: ctx.batch(aftersales_counts)["to_refund"],
    url=lambda: list_url(_REQUESTS, "todo=to_refund"),
    help=_("Approved refund-only requests and received returns.")))

# ---- stock and listing quality ------------------------------------------------------------

register(Todo(
    "low_stock", _("Low-stock SKUs"), "production_quantity_limits",
    ("inventory.view_stock", "inventory.receive_stock"),
    count=lambda ctx: inventory_queries.count_low_stock(),
    url=lambda: list_url("inventory.stock", "level=low"), severity=WARNING,
    help=_("Stock rows (a SKU in a warehouse) with fewer units available than their "
           "low-stock threshold.")))

register(Todo(
    "listings_blocked", _("Listings with blocking findings"), "block",
    ("listing.view_productscore",),
    count=lambda ctx: listing_queries.list_scores(severity="blocking").count(),
    url=lambda: list_url("listing.productscore", "severity=blocking"), severity=WARNING,
    help=_("Products the listing checks would refuse to list.")))

# ---- tasks (zhanggui.tasks) ---------------------------------------------------------------

_TASKS = "tasks.task"
_WORK_TASKS = ("tasks.view_task", "tasks.change_task")


def task_counts(context: Context) -> dict:
    return task_queries.task_counts_for(context.user, now=context.now)


register(Todo(
    "tasks_mine_overdue", _("My overdue tasks"), "running_with_errors", _WORK_TASKS,
    count=lambda ctx: ctx.batch(task_counts)["mine_overdue"],
    url=lambda: list_url(_TASKS, "scope=mine&overdue=yes"), severity=DANGER,
    help=_("Open tasks assigned to me and past their due time.")))

register(Todo(
    "tasks_mine", _("Tasks assigned to me"), "task_alt", _WORK_TASKS,
    count=lambda ctx: ctx.batch(task_counts)["mine"],
    url=lambda: list_url(_TASKS, "scope=mine"),
    help=_("Open tasks assigned to me, overdue ones included.")))

register(Todo(
    "tasks_escalated_to_me", _("Tasks escalated to me"), "campaign", _WORK_TASKS,
    count=lambda ctx: ctx.batch(task_counts)["escalated_to_me"],
    url=lambda: list_url(_TASKS, "scope=escalated"), severity=DANGER,
    help=_("Open tasks not handled in time by the people I lead.")))
