"""`make serve-prod` (tools/serve_prod.py): gunicorn, a Celery worker and beat on PostgreSQL
and Redis, started on a free port against a throw-away database and stopped whole."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("ZG_LOAD_PG", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/13"

_spec = importlib.util.spec_from_file_location("serve_prod", ROOT / "tools" / "serve_prod.py")
serve_prod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(serve_prod)


def _up(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not (_up(5432) and _up(6379)),
                                reason="needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379")


def _base_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ZHANGGUI_", "DATABASE_URL", "REDIS_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="zhanggui.settings", ZHANGGUI_VAR_DIR=str(tmp_path))
    return env


def test_refuses_to_start_without_database_redis_and_secret(tmp_path):
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "serve_prod.py")], env=_base_env(tmp_path),
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2
    for name in ("DATABASE_URL", "REDIS_URL", "ZHANGGUI_SECRET_KEY"):
        assert f"{name} is not set" in out.stderr
    env = {**_base_env(tmp_path), "DATABASE_URL": "sqlite:///x.db", "REDIS_URL": REDIS_URL,
           "ZHANGGUI_SECRET_KEY": "s" * 50, "ZHANGGUI_DEBUG": "true"}
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "serve_prod.py")], env=env,
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "PostgreSQL" in out.stderr and "ZHANGGUI_DEBUG" in out.stderr


# One interpreter (Django starts once): a staff member with a token, then a task sent
# through Redis and waited for (not eager: REDIS_URL is set, so the worker must run it).
SEED_AND_TASK = """
import django; django.setup()
from zhanggui.accounts.actions import create_api_token, create_staff
from zhanggui.orders.tasks import expire_unpaid_orders_task as task
staff = create_staff("prodcheck", password="Correct-Horse-42", roles=["owner"], actor=None)
print(create_api_token(staff, name="check", actor=None)[1])
print(task.delay(30).get(timeout=60))
"""


def _python(code: str, env: dict[str, str]) -> str:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


def test_serves_web_worker_and_beat_then_stops_every_process(tmp_path):
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # this test's Redis database: no stale tasks
    name = f"zg_load_t{uuid.uuid4().hex[:8]}"
    url = serve_prod.clone_database(SERVER, name)
    port = serve_prod.free_port()
    env = {**_base_env(tmp_path), "DATABASE_URL": url, "REDIS_URL": REDIS_URL,
           "ZHANGGUI_SECRET_KEY": uuid.uuid4().hex * 2, "ZHANGGUI_BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": "2", "CELERY_CONCURRENCY": "1"}
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen([sys.executable, str(ROOT / "tools" / "serve_prod.py"), "--no-collectstatic"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    started: set[int] = set()
    try:
        serve_prod.wait_until_serving(f"http://127.0.0.1:{port}/login/", server, timeout=150)
        started = serve_prod.descendants(server.pid)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=30) as page:
            assert page.status == 200 and b"csrfmiddlewaretoken" in page.read()
        secret, task_result = _python(SEED_AND_TASK, env).splitlines()[-2:]
        assert task_result == "0"  # the worker ran it against the served database
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/accounts/me",
                                         headers={"Authorization": f"Bearer {secret}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 200 and json.loads(answer.read())["username"] == "prodcheck"
        deadline = time.monotonic() + 30
        while "Scheduler: Sending due task" not in (tmp_path / "serve.log").read_text():
            assert time.monotonic() < deadline, "beat sent no task"
            time.sleep(0.5)
        assert server.poll() is None
        started |= serve_prod.descendants(server.pid)
        # A master, 2 web processes, the worker with its child, beat: each alive.
        assert len(started) >= 6, started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        serve_prod.drop_database(SERVER, name)
    assert server.returncode == 0
    alive = {pid for pid in started if Path(f"/proc/{pid}").exists()
             and "Z" not in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]}
    assert not alive, alive
    assert not _up(port)
