"""Incremental sync of the API's lists: ``updated_after`` then ``cursor``, oldest change
first, no repeats and no gaps while writes go on, a kept cursor giving what changed since,
clear errors for a bad cursor or a list that cannot be synced."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests import factories
from zhanggui.core import sync
from zhanggui.orders import actions
from zhanggui.orders.models import Order

pytestmark = pytest.mark.django_db
START = "2000-01-01T00:00:00+00:00"


def _orders(count: int) -> list[Order]:
    sku = factories.make_listed_sku(price="20.00")
    factories.stock_up(sku, factories.make_warehouse(), 1000)
    return [factories.make_order(sku=sku) for _ in range(count)]


def _pages(api, **start):
    """Every page from ``start`` on: (the items' ids, the last answer)."""
    ids, query = [], {"page_size": 2, **start}
    while True:
        answer = api.get("/api/v1/orders", **query).json()
        ids += [item["id"] for item in answer["items"]]
        if not answer["has_more"]:
            return ids, answer
        query = {"page_size": 2, "cursor": answer["next_cursor"]}


def test_orders_sync_in_pages_oldest_change_first(api, settled):
    orders = _orders(5)
    ids, last = _pages(api, updated_after=START)
    assert ids == [o.pk for o in sorted(orders, key=lambda o: (o.updated_at, o.pk))]
    assert last["count"] is None and last["next_cursor"]


def test_a_kept_cursor_gives_what_changed_since(api, settled):
    orders = _orders(3)
    _ids, last = _pages(api, updated_after=START)
    assert api.get("/api/v1/orders", cursor=last["next_cursor"]).json()["items"] == []
    actions.cancel_order(orders[0], reason="买家取消", actor=None)
    answer = api.get("/api/v1/orders", cursor=last["next_cursor"]).json()
    assert [(i["id"], i["status"]) for i in answer["items"]] == [(orders[0].pk, "cancelled")]
    assert answer["has_more"] is False and answer["next_cursor"] != last["next_cursor"]


def test_paging_while_rows_change_repeats_none_and_misses_none(api, settled):
    orders = _orders(6)
    first = api.get("/api/v1/orders", updated_after=START, page_size=2).json()
    seen = [i["id"] for i in first["items"]]
    # Meanwhile: a row already read changes, a row not yet read changes, a new row comes.
    actions.cancel_order(Order.objects.get(pk=seen[0]), reason="改价重拍", actor=None)
    unread = next(o for o in orders if o.pk not in seen)
    actions.cancel_order(unread, reason="缺货", actor=None)
    newcomer = _orders(1)[0]
    rest, _last = _pages(api, cursor=first["next_cursor"])
    unchanged = {o.pk for o in orders} - {seen[0], unread.pk}
    assert sorted(rest) == sorted([*(unchanged - set(seen)), seen[0], unread.pk, newcomer.pk])
    assert len(rest) == len(set(rest))  # the changed rows come once, in their new state
    assert rest[-3:] == [seen[0], unread.pk, newcomer.pk]  # the latest changes last


def test_updated_after_is_strict_and_filters_combine(api, settled):
    orders = _orders(3)
    pivot = Order.objects.get(pk=orders[1].pk).updated_at
    answer = api.get("/api/v1/orders", updated_after=pivot.isoformat()).json()
    assert [i["id"] for i in answer["items"]] == [orders[2].pk]
    actions.cancel_order(orders[0], reason="x", actor=None)
    answer = api.get("/api/v1/orders", updated_after=START, status="cancelled").json()
    assert [i["id"] for i in answer["items"]] == [orders[0].pk]


def test_changes_younger_than_the_settle_time_wait(api, settings):
    settings.ZHANGGUI = {**settings.ZHANGGUI, "SYNC_SETTLE_SECONDS": 60}
    _orders(2)
    answer = api.get("/api/v1/orders", updated_after=START).json()
    assert answer["items"] == [] and answer["has_more"] is False
    # The cursor of an empty answer starts strictly after updated_after, like updated_after.
    assert sync.decode_cursor(answer["next_cursor"])[1] == sync.LAST_PK


def test_page_numbers_still_work_and_count(api):
    _orders(3)
    answer = api.get("/api/v1/orders", page=1, page_size=2).json()
    assert answer["count"] == 3 and len(answer["items"]) == 2 and answer["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["", "abc", "MXx4fDE", "AAAA",
                                    sync.encode_cursor(datetime(2026, 1, 1, tzinfo=UTC), 1)[:-4]])
def test_a_cursor_not_given_out_is_refused(api, settled, cursor):
    response = api.get("/api/v1/orders", cursor=cursor)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_of_other_characters_is_invalid_input(api, settled):
    response = api.get("/api/v1/orders", cursor="not base64 ✗")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"


def test_a_list_that_cannot_be_synced_says_so(api, settled):
    response = api.get("/api/v1/channels/price-conflicts", updated_after=START)
    assert response.status_code == 400 and response.json()["code"] == "incremental_sync_unsupported"


def test_the_horizon_waits_for_older_open_transactions(settings, settled):
    now = timezone.now()
    assert now - timedelta(seconds=1) < sync.horizon(now=now) <= now


def test_every_list_answers_a_sync_request_or_says_it_cannot(api, settled):
    """Each paginated list of the schema is synced by change time (200), but the price
    conflicts (a report computed when asked), refused with ``incremental_sync_unsupported``
    — never a server error."""
    from zhanggui.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    lists = [path for path, item in schema["paths"].items() if "get" in item and any(
        p["name"] == "cursor" for p in item["get"].get("parameters", []))]
    assert len(lists) >= 40
    answers = {}
    for path in lists:
        response = api.get(re.sub(r"\{[^}]+\}", "1", path), updated_after=START)
        answers[path] = response.status_code, response.json().get("code")
    refused = {path for path, answer in answers.items()
               if answer == (400, "incremental_sync_unsupported")}
    assert refused == {"/api/v1/channels/price-conflicts"}, answers  # a report, computed
    assert all(status in (200, 404) for path, (status, _code) in answers.items()
               if path not in refused), answers
    assert answers["/api/v1/orders"] == (200, None)
    print({path: answer for path, answer in answers.items()})  # shown with -s


def test_an_append_only_log_syncs_by_the_time_it_was_written(api, settled):
    _orders(2)
    entries, query = [], {"updated_after": START, "page_size": 3}
    while True:
        answer = api.get("/api/v1/accounts/operation-log", **query).json()
        entries += answer["items"]
        if not answer["has_more"]:
            break
        query = {"cursor": answer["next_cursor"], "page_size": 3}
    times = [(e["created_at"], e["id"]) for e in entries]
    assert len(entries) >= 4 and times == sorted(times) and len({e["id"] for e in entries}) == len(entries)


def _changed_since(api, path, cursor):
    answer = api.get(path, cursor=cursor).json()
    return [item["id"] for item in answer["items"]], answer["next_cursor"]


def test_changes_written_by_bulk_updates_and_other_tables_are_synced(api, settled):
    """A role change writes only the groups table, and deactivating a staff member revokes
    their tokens with one UPDATE: both still move the rows' change time, so a client holding
    a cursor sees them."""
    from zhanggui.accounts import actions as accounts

    leaver = factories.make_staff("operator")
    token, _secret = accounts.create_api_token(leaver, name="erp", actor=None)
    staff_cursor = api.get("/api/v1/accounts/staff", updated_after=START).json()["next_cursor"]
    assert _changed_since(api, "/api/v1/accounts/staff", staff_cursor)[0] == []

    accounts.change_staff_roles(leaver, roles=["operator", "service"], actor=None)
    ids, staff_cursor = _changed_since(api, "/api/v1/accounts/staff", staff_cursor)
    assert ids == [leaver.pk]
    accounts.deactivate_staff(leaver, actor=None)
    revoked = type(token).objects.get(pk=token.pk)
    assert revoked.revoked_at is not None and revoked.updated_at > token.updated_at
    assert _changed_since(api, "/api/v1/accounts/staff", staff_cursor)[0] == [leaver.pk]


def test_a_backdated_movement_is_synced_by_the_time_it_was_written(api, settled):
    """A stock movement's ``created_at`` may lie in the past (imports); the sync follows the
    time it was written, so a client already past that time still gets it."""
    sku, warehouse = factories.make_listed_sku(price="5.00"), factories.make_warehouse()
    cursor = api.get("/api/v1/inventory/movements", updated_after=START).json()["next_cursor"]
    factories.stock_up(sku, warehouse, 3)
    from zhanggui.inventory.models import StockMovement

    StockMovement.objects.update(created_at=datetime(2001, 1, 1, tzinfo=UTC))  # as imported
    ids, _cursor = _changed_since(api, "/api/v1/inventory/movements", cursor)
    assert ids and set(ids) == set(StockMovement.objects.values_list("pk", flat=True))
