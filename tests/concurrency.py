"""Run work in concurrent threads, each with its own database connection (PostgreSQL
concurrency tests: ``tests/orders/test_concurrency.py``, ``tests/pricing/test_concurrency.py``)."""

import threading

from django.db import connections


def run_in_threads(count: int, work) -> list:
    """Start ``count`` threads at once (a barrier) running ``work(index)``; return each
    result, or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
