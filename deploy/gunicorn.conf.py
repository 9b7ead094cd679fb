"""Gunicorn settings of the production shape (``tools/serve_prod.py``, the systemd unit and
the container all start ``gunicorn -c deploy/gunicorn.conf.py zhanggui.wsgi``).

Environment:

- ``ZHANGGUI_BIND``: address to listen on (default ``127.0.0.1:8000``; ``0.0.0.0:8000``
  behind a load balancer or in a container).
- ``WEB_CONCURRENCY``: web processes (default: 2 × CPU cores + 1, at most 9 — each process
  holds its own DuckDB view of the analytics warehouse, so memory also bounds it).
- ``GUNICORN_WORKER_CLASS``: ``gthread`` (default) or ``sync``; ``GUNICORN_THREADS``: threads
  per ``gthread`` process (default 4). Each thread keeps its own PostgreSQL connection, so
  processes × threads (+ Celery workers) must stay under the server's ``max_connections``.
  Why gthread: docs/deployment.md ("Choosing the worker class").
- ``GUNICORN_TIMEOUT``: seconds a request may take before its process is restarted (60).
"""

import multiprocessing
import os


def _default_workers() -> int:
    return min(2 * multiprocessing.cpu_count() + 1, 9)


bind = os.environ.get("ZHANGGUI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers())
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4")) if worker_class == "gthread" else 1
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Queued connections a process accepts while all its threads are busy (the kernel's listen
# queue holds the rest): a flash sale's burst waits here instead of being refused.
backlog = 2048
# A process is replaced after about this many requests (bounds slow leaks; the jitter keeps
# processes from restarting together).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None  # "-" for stdout
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "zhanggui-web"
# No control socket (gunicorn ≥ 24 opens one in ~/.gunicorn by default: two instances on one
# host would share its path).
control_socket_disable = True
# The application is imported in each process after the fork (no preload): DuckDB, the
# PostgreSQL and Redis connections are opened per process.
preload_app = False
