"""The production parts are selected by environment variables alone (README, Deployment)."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(ZHANGGUI_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="zhanggui.settings", **extra)
    return env


def _settings_as_seen(env: dict[str, str]) -> dict:
    code = ("import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], "
            "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
            "'db': s.DATABASES['default']['ENGINE']}))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_embedded_defaults_without_environment(tmp_path):
    seen = _settings_as_seen(_env(tmp_path))
    assert seen == {"cache": "django.core.cache.backends.locmem.LocMemCache", "eager": True,
                    "broker": "memory://", "db": "django.db.backends.sqlite3"}


def test_redis_and_postgres_are_selected_by_urls(tmp_path):
    seen = _settings_as_seen(_env(tmp_path, REDIS_URL=REDIS_URL,
                                  DATABASE_URL="postgres://u@db:5432/shop"))
    assert seen == {"cache": "django.core.cache.backends.redis.RedisCache", "eager": False,
                    "broker": REDIS_URL, "db": "django.db.backends.postgresql"}


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_a_celery_worker_runs_tasks_through_redis(tmp_path):
    env = _env(tmp_path, REDIS_URL=REDIS_URL)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "zhanggui"), "migrate", "-v0"], env=env, check=True)
    worker = subprocess.Popen(
        [str(bin_dir / "celery"), "-A", "zhanggui", "worker", "--pool=solo", "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        code = ("import django; django.setup(); "
                "from zhanggui.orders.tasks import expire_unpaid_orders_task as t; "
                "r = t.delay(30); print(r.get(timeout=60))")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                             text=True, timeout=90)
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.strip() == "0"  # ran in the worker against the migrated database
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The production settings of the README's deployment section."""
    from cryptography.fernet import Fernet

    production = dict(DATABASE_URL="postgres://zhanggui@db:5432/zhanggui",
                      REDIS_URL="redis://redis:6379/0", ZHANGGUI_SECRET_KEY="k" * 20 + "x9-Q" * 12,
                      ZHANGGUI_ALLOWED_HOSTS="shop-admin.example.com", ZHANGGUI_SECURE="true",
                      ZHANGGUI_DATA_KEYS=Fernet.generate_key().decode(),
                      ZHANGGUI_BLIND_INDEX_KEY="b" * 43)
    env = _env(tmp_path, **{**production, **extra})
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in production
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    zhanggui = str(Path(sys.executable).parent / "zhanggui")
    return subprocess.run([zhanggui, "check", "--deploy", "--fail-level", "WARNING"], env=env,
                          capture_output=True, text=True)


def test_check_deploy_finds_nothing_with_the_production_settings(tmp_path):
    result = _check_deploy(_production_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https_settings(tmp_path):
    result = _check_deploy(_production_env(tmp_path, ZHANGGUI_SECURE="false"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr  # HSTS
