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


def stock_changed(sku_ids: Iterable[int], *, using: str = "default") -> None:
    """Note SKUs whose stock changed in the current transaction (or now, outside one).

    One announcement per transaction: while this connection's pending callback is still
    queued, the SKUs join its set; after a commit or a rollback (which drops the callback)
    the next change starts a new one.
    """
    connection = transaction.get_connection(using)
    state = getattr(connection, "_zhanggui_stock_changed", None)
    if state is not None and any(entry[1] is state[1] for entry in connection.run_on_commit):
        state[0].update(sku_ids)
        return
    pending = set(sku_ids)

    def announce() -> None:
        for listener in list(LISTENERS.values()):
            listener(set(pending))

    connection._zhanggui_stock_changed = (pending, announce)
    transaction.on_commit(announce, using=using)
