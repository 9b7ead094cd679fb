"""Running imports in the background: a Celery task when ``REDIS_URL`` gives a broker,
otherwise a daemon thread in the web process (the zero-setup default, where Celery would
run eagerly and block the request)."""

import threading

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connection

from zhanggui.imports import actions, queries

_threads: list[threading.Thread] = []


@shared_task(name="zhanggui.imports.tasks.execute_import_run_task")
def execute_import_run_task(run_id: int) -> str:
    """Execute a queued import run; returns its final status."""
    run = actions.execute_import_run(queries.get_run(run_id))
    return run.status


def _run_in_thread(run_id: int) -> None:
    close_old_connections()
    try:
        execute_import_run_task.run(run_id)
    finally:
        connection.close()


def launch(run_id: int) -> threading.Thread | None:
    """Start the run in the background; returns the thread when one was started."""
    if getattr(settings, "REDIS_URL", "") and not settings.CELERY_TASK_ALWAYS_EAGER:
        execute_import_run_task.delay(run_id)
        return None
    thread = threading.Thread(target=_run_in_thread, args=(run_id,), daemon=True,
                              name=f"import-run-{run_id}")
    thread.start()
    _threads.append(thread)
    return thread


def wait_for_background_runs(timeout: float = 60.0) -> None:
    """Join the in-process import threads (tests and a graceful shutdown use it)."""
    while _threads:
        _threads.pop().join(timeout)
