"""A transaction that wrote events queues one delivery run at once (not waiting for the
beat), at most one per second, none for a rollback, none without an active endpoint."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction

from tests import factories
from zhanggui.integrations import nudge, webhooks
from zhanggui.orders import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: a worker sends
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True
    cache.clear()
    with mock.patch("zhanggui.integrations.tasks.deliver_webhooks_task.delay") as delay:
        yield delay
    cache.clear()


@pytest.fixture
def sku():
    sku = factories.make_listed_sku(price="99.00")
    factories.stock_up(sku, factories.make_warehouse(), 100)
    return sku


def _place(sku):
    return actions.place_order(factories.make_customer(), lines=[actions.LineRequest(sku.pk, 1)],
                               recipient=factories.recipient(), actor=None)


def test_a_commit_with_events_queues_one_run_per_second(queued, sku,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.create_endpoint(url="http://127.0.0.1:9/hooks", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        _place(sku)
    assert queued.call_count == 1
    with django_capture_on_commit_callbacks(execute=True):
        _place(sku)
    assert queued.call_count == 1  # within the same second: the run already queued sends it
    cache.delete(nudge._NUDGE_KEY)  # a second later
    with django_capture_on_commit_callbacks(execute=True):
        _place(sku)
    assert queued.call_count == 2


def test_a_rolled_back_change_queues_nothing(queued, sku, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.create_endpoint(url="http://127.0.0.1:9/hooks", actor=None)
    with (django_capture_on_commit_callbacks(execute=True) as callbacks,
          pytest.raises(RuntimeError), transaction.atomic()):
        _place(sku)
        raise RuntimeError("the change fails after its events were written")
    assert queued.call_count == 0 and callbacks == []


def test_nothing_is_queued_without_an_active_endpoint(queued, sku,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _place(sku)
    assert queued.call_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        endpoint = webhooks.create_endpoint(url="http://127.0.0.1:9/hooks", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        webhooks.set_endpoint_active(endpoint, active=False, actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        _place(sku)
    assert queued.call_count == 0


def test_tasks_run_in_process_are_not_nudged(settings, sku, django_capture_on_commit_callbacks):
    settings.ZHANGGUI_WEBHOOK_ALLOW_PRIVATE = True
    with mock.patch("zhanggui.integrations.tasks.deliver_webhooks_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            webhooks.create_endpoint(url="http://127.0.0.1:9/hooks", actor=None)
        with django_capture_on_commit_callbacks(execute=True):
            _place(sku)
    assert delay.call_count == 0
