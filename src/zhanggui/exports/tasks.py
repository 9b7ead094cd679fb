"""Export jobs in the background: a Celery task when ``REDIS_URL`` gives a broker; without
one (the zero-setup default, where Celery would run the task eagerly inside the request and
the page would wait for the whole file) a daemon thread of the web process, as imports do.
Celery beat deletes files older than ``ZHANGGUI_EXPORT_KEEP_DAYS``."""

import threading

from celery import shared_task
from django.conf import settings
from django.db import close_old_connections, connection

from zhanggui.exports import actions, queries

_threads: list[threading.Thread] = []


@shared_task(name="zhanggui.exports.tasks.run_export_task")
def run_export_task(job_id: int) -> str:
    """Write the export's file; returns the job's final status."""
    return actions.run_export(queries.get_job(job_id)).status


@shared_task(name="zhanggui.exports.tasks.delete_expired_exports_task")
def delete_expired_exports_task() -> int:
    return actions.delete_expired_exports()


def launch(job_id: int) -> None:
    """Start writing the job's file (called once the job is committed)."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.ZHANGGUI_EXPORTS_IN_THREAD:
        thread = threading.Thread(target=_run_in_thread, args=(job_id,), daemon=True,
                                  name=f"export-{job_id}")
        thread.start()
        _threads.append(thread)
    else:
        run_export_task.delay(job_id)


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_export_task.run(job_id)
    finally:
        connection.close()


def wait_for_background_exports(timeout: float = 60.0) -> None:
    """Join the in-process export threads (tests and a graceful shutdown use it)."""
    while _threads:
        _threads.pop().join(timeout)
