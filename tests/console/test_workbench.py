"""The workbench (the console's home page): each role's to-dos with counts that agree with
the lists they open, only what the role may see, an empty state, the latest alerts, and a
bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.console.workbench_support import (
    EXPECTED,
    ROLE_TODOS,
    build_todo_store,
    client_for,
    list_rows,
    shown_todos,
)
from zhanggui.accounts.actions import raise_alert
from zhanggui.accounts.models import AlertKind
from zhanggui.aftersales.models import AftersalesRequest
from zhanggui.console.workbench.registry import REGISTRY, ROLE_ORDER, Todo, register
from zhanggui.inventory.models import Stock
from zhanggui.orders.models import Order

HOME = "/"


@pytest.fixture
def todo_store(db):
    return build_todo_store()


def _page(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", sorted(ROLE_TODOS))
def test_each_to_do_count_is_the_number_of_rows_its_list_shows(todo_store, role):
    client = client_for(role)
    shown = shown_todos(_page(client))
    assert [todo.code for todo in shown] == ROLE_TODOS[role]
    for todo in shown:
        assert todo.count == EXPECTED[todo.code], todo.code
        assert list_rows(client, todo.url) == todo.count, todo.code


def test_the_expected_counts_are_what_the_tables_hold(todo_store):
    """The fixture's numbers, counted without the workbench's conditions."""
    paid = Order.objects.filter(status="paid")
    assert paid.filter(is_held=False).count() == EXPECTED["orders_to_review"]
    assert paid.filter(is_held=True).count() == EXPECTED["held_orders"]
    assert sum(stock.is_low for stock in Stock.objects.all()) == EXPECTED["low_stock"]
    waiting = AftersalesRequest.objects.filter(status="requested")
    assert waiting.count() == EXPECTED["aftersales_waiting"]


@pytest.mark.parametrize("role", sorted(ROLE_TODOS))
def test_a_role_never_sees_a_to_do_it_may_not_open_nor_opens_its_list(todo_store, role):
    client = client_for(role)
    page = _page(client)
    owner_todos = {todo.code: todo for todo in shown_todos(_page(client_for("owner")))}
    for code, todo in owner_todos.items():
        if code in ROLE_TODOS[role]:
            continue
        assert f'data-todo="{code}"' not in page, code
        app_label, model_name = todo.url.strip("/").split("/")[:2]
        may_view = client.staff.has_perm(f"{app_label}.view_{model_name}")
        assert client.get(todo.url).status_code == (200 if may_view else 403), (code, role)


def test_overdue_is_red_and_due_soon_amber(todo_store):
    shown = {todo.code: todo for todo in shown_todos(_page(client_for("service")))}
    assert shown["aftersales_overdue"].severity == "danger"
    assert shown["aftersales_due_soon"].severity == "warning"
    assert shown["orders_to_review"].severity == "info"


def test_the_warehouse_and_service_see_their_own_work_first(todo_store):
    warehouse = [todo.code for todo in shown_todos(_page(client_for("warehouse")))]
    service = [todo.code for todo in shown_todos(_page(client_for("service")))]
    assert warehouse[0] == "waves_to_pick" and "orders_to_review" not in warehouse
    assert service[:2] == ["aftersales_overdue", "held_orders"]  # red first
    assert "low_stock" not in service
    for role, codes in (("warehouse", warehouse), ("service", service[1:])):
        ranks = [ROLE_ORDER[role].index(code) for code in codes]
        assert ranks == sorted(ranks), role


def test_a_to_do_at_zero_is_listed_as_checked_not_as_a_card(db):
    sku = factories.make_listed_sku()
    factories.stock_up(sku, factories.make_warehouse(), 100)
    factories.make_order(sku=sku, status="paid")
    page = _page(client_for("service"))
    assert [todo.code for todo in shown_todos(page)] == ["orders_to_review"]
    done = page[page.index('id="workbench-done"'):]
    assert 'data-todo="aftersales_overdue"' in done and 'data-todo="aftersales_waiting"' in done


def _zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def test_a_staff_member_with_nothing_to_do_sees_a_clear_empty_state(db):
    page = _page(client_for("service"))
    assert shown_todos(page) == []
    assert 'id="workbench-empty"' in page and _zh("Nothing is waiting for you.") in page
    assert _zh("Every to-do you look after is at zero right now.") in page
    page = _page(client_for("analyst"))  # no to-do is the analyst's
    assert 'id="workbench-empty"' in page
    assert "no to-dos on the workbench" in translation.gettext_noop(
        "Your role has no to-dos on the workbench; the menu on the left opens your pages.")
    assert _zh("Your role has no to-dos on the workbench; the menu on the left opens your "
               "pages.") in page


def test_the_page_is_in_chinese_first_and_english_works(todo_store):
    client = client_for("owner")
    page = _page(client)
    assert 'lang="zh-hans"' in page
    assert "支付金额 (GMV)" in page and "这些数字如何计算" in page  # the reports' own words
    assert _zh("Orders to review") in page and _zh("Today's key numbers") in page
    client.post(reverse("set_language"), {"language": "en", "next": HOME})
    page = _page(client)
    assert "Orders to review" in page and "Today's key numbers" in page
    assert "这些数字如何计算" not in page and "How is this computed?" in page


def test_the_owner_sees_the_latest_alerts_and_others_do_not(todo_store):
    owner = factories.make_staff("owner")
    for n in range(7):
        raise_alert(AlertKind.REFUND, actor=owner, message=f"退款提醒 {n}")
    page = _page(client_for("owner"))
    alerts = page[page.index('id="workbench-alerts"'):]
    assert "退款提醒 6" in alerts and "退款提醒 2" in alerts and "退款提醒 1" not in alerts
    assert alerts.index("退款提醒 6") < alerts.index("退款提醒 5")  # newest first
    assert reverse("admin:accounts_alert_changelist") in alerts
    for role in ("service", "warehouse", "finance"):
        assert 'id="workbench-alerts"' not in _page(client_for(role)), role


def test_the_owner_without_alerts_is_told_so(db):
    page = _page(client_for("owner"))
    assert 'id="workbench-no-alerts"' in page


def test_the_page_costs_a_bounded_number_of_queries_whatever_the_data(todo_store):
    client = client_for("owner")
    client.get(HOME)  # warm the caches (content types, the policy)
    with CaptureQueriesContext(connection) as small:
        client.get(HOME)
    build_todo_store()  # twice the rows of every to-do
    raise_alert(AlertKind.REFUND, actor=None, message="大额退款")
    with CaptureQueriesContext(connection) as bigger:
        page = _page(client)
    assert {todo.code: todo.count for todo in shown_todos(page)}["orders_to_review"] == 6
    assert len(bigger) == len(small), [q["sql"][:120] for q in bigger.captured_queries]
    # One query per to-do family (supply added purchase orders, supplier orders and the reorder
    # count; customers for life tickets and campaigns; the owner's daily briefing and its
    # actions) plus the page's own: the bound grows with the to-dos, never with the data.
    assert len(bigger) <= 37, [q["sql"][:120] for q in bigger.captured_queries]


def test_adding_a_provider_is_a_few_lines_and_shows_only_with_its_permission(todo_store):
    todo = register(Todo("orders_pending_payment", "待付款", "hourglass", ("orders.view_payment",),
                         count=lambda ctx: Order.objects.filter(status="pending_payment").count(),
                         url=lambda: reverse("admin:orders_order_changelist")
                         + "?status__exact=pending_payment"))
    try:
        finance = {t.code: t for t in shown_todos(_page(client_for("finance")))}
        assert finance["orders_pending_payment"].count == 1
        assert list_rows(client_for("finance"), todo.url()) == 1
        assert "orders_pending_payment" not in _page(client_for("warehouse"))
    finally:
        del REGISTRY[todo.code]


def test_registering_the_same_code_twice_is_refused():
    with pytest.raises(ValueError):
        register(REGISTRY["orders_to_review"])
