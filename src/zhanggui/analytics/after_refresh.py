"""Work computed on top of the warehouse, run after each refresh: a registry the apps above
fill (as ``tasks.registry`` and ``exports.sources`` are), called explicitly — no signals.

Analytics sits below the apps that compute on the warehouse (insights: the demand
forecasts), so it cannot import them; they register a job in their ``AppConfig.ready()``.
``actions.refresh_warehouse`` runs every job once the run's record has committed; a job
should only enqueue its Celery task (eager without Redis).
"""

from collections.abc import Callable

from zhanggui.analytics.models import WarehouseRun

Job = Callable[[WarehouseRun], None]
JOBS: dict[str, Job] = {}


def register(name: str, job: Job) -> None:
    """Run ``job(run)`` after every successful refresh (once per name)."""
    JOBS[name] = job


def run_jobs(run: WarehouseRun) -> None:
    for job in list(JOBS.values()):
        job(run)
