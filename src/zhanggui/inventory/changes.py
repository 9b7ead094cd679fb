"""Who hears about stock changes: a registry the apps above fill (as
``analytics.after_refresh`` is), called explicitly — no signals.

Inventory sits below the apps that react to a SKU's stock (channels: the quantities each
channel may sell), so it cannot import them; they register a listener in their
``AppConfig.ready()``. Every change to a stock row goes through ``actions._apply``, which
calls ``stock_changed``; once the transaction commits, each listener gets the set of SKUs
whose stock changed in it, once. A rolled-back change is never announced.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

Listener = Callable[[set[int]], None]
LISTENERS: dict[str, Listener] = {}


def register(name: str, listener: Listener) -> None:
    """Call ``listener(sku_ids)`` after each commit that changed these SKUs' stock."""
    LISTENERS[name] = listener


class _Pending:
    """The SKUs of one transaction's stock changes, announced once when it commits."""

    def __init__(self, sku_ids: Iterable[int]):
        self.sku_ids = set(sku_ids)
        self.announced = False

    def __call__(self) -> None:
        self.announced = True
        for listener in list(LISTENERS.values()):
            listener(set(self.sku_ids))


def stock_changed(sku_ids: Iterable[int], *, using: str = "default") -> None:
    """Note SKUs whose stock changed in the current transaction (or now, outside one).

    One announcement per transaction: while this connection's pending callback is still
    queued and not yet run, the SKUs join its set; after a commit or a rollback (which drops
    the callback) the next change starts a new one. (A test's ``captureOnCommitCallbacks``
    runs callbacks without taking them off the queue: ``announced`` covers that.)
    """
    connection = transaction.get_connection(using)
    pending = getattr(connection, "_zhanggui_stock_changed", None)
    if (pending is not None and not pending.announced
            and any(entry[1] is pending for entry in connection.run_on_commit)):
        pending.sku_ids.update(sku_ids)
        return
    pending = _Pending(sku_ids)
    connection._zhanggui_stock_changed = pending
    transaction.on_commit(pending, using=using)
