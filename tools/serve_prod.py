"""The production shape on one machine: gunicorn web processes, a Celery worker and beat.

    make serve-prod                       # or: .venv/bin/python tools/serve_prod.py
    DATABASE_URL=postgres://… REDIS_URL=redis://… ZHANGGUI_SECRET_KEY=… make serve-prod

Refuses to start without ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` and
``ZHANGGUI_SECRET_KEY``, or with ``ZHANGGUI_DEBUG`` on. Runs ``migrate`` and
``collectstatic``, then starts, each in its own process group:

- ``gunicorn -c deploy/gunicorn.conf.py zhanggui.wsgi`` (``WEB_CONCURRENCY`` processes on
  ``ZHANGGUI_BIND``, default ``127.0.0.1:8000``),
- ``celery -A zhanggui worker`` (``CELERY_CONCURRENCY`` processes, default 2),
- ``celery -A zhanggui beat`` (its schedule file under ``ZHANGGUI_VAR_DIR``).

Ctrl-C or SIGTERM stops all three (SIGTERM, then SIGKILL after ``STOP_SECONDS``); when one
of them exits on its own, the others are stopped too and the exit status is non-zero.
``--skip-setup`` leaves out migrate and collectstatic (already done by a deploy step);
``--no-collectstatic`` only the latter (WhiteNoise then serves from the apps' folders).
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
STOP_SECONDS = 25
TRUE = {"1", "true", "yes", "on"}


def problems(env: dict[str, str]) -> list[str]:
    """What keeps ``env`` from being a production environment (empty: none)."""
    found = []
    database = env.get("DATABASE_URL", "")
    if not database:
        found.append("DATABASE_URL is not set (e.g. postgres://zhanggui@127.0.0.1:5432/zhanggui)")
    elif urlsplit(database).scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        found.append("DATABASE_URL must name a PostgreSQL database (SQLite is for the demo)")
    if not env.get("REDIS_URL"):
        found.append("REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0): the Celery broker and the cache")
    if not env.get("ZHANGGUI_SECRET_KEY"):
        found.append("ZHANGGUI_SECRET_KEY is not set (python -c 'import secrets; "
                     "print(secrets.token_urlsafe(50))'); keep it: it also derives the "
                     "personal-data keys when ZHANGGUI_DATA_KEYS is unset")
    if env.get("ZHANGGUI_DEBUG", "").strip().lower() in TRUE:
        found.append("ZHANGGUI_DEBUG is on: production runs with it off")
    return found


def commands(env: dict[str, str], python: str = sys.executable) -> dict[str, list[str]]:
    """The three long-running commands, by name."""
    var_dir = Path(env.get("ZHANGGUI_VAR_DIR") or Path.cwd() / "var")
    return {
        "web": [python, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "zhanggui.wsgi"],
        "worker": [python, "-m", "celery", "-A", "zhanggui", "worker", "-l", "info",
                   "--concurrency", env.get("CELERY_CONCURRENCY", "2"), "-n", "worker@%h",
                   "--without-mingle", "--without-gossip"],
        "beat": [python, "-m", "celery", "-A", "zhanggui", "beat", "-l", "info",
                 "--schedule", str(var_dir / "celerybeat-schedule")],
    }


def setup(env: dict[str, str], python: str = sys.executable, *, collectstatic: bool = True) -> None:
    """Migrate (also creates the role groups) and collect the static files."""
    steps = [["migrate", "--noinput"]] + ([["collectstatic", "--noinput", "-v0"]] if collectstatic else [])
    for args in steps:
        subprocess.run([python, "-m", "zhanggui.cli", *args], env=env, check=True)


class Supervisor:
    """Starts the commands in their own process groups and stops every group together."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, named: dict[str, list[str]]) -> None:
        for name, command in named.items():
            self.children[name] = subprocess.Popen(command, env=self.env, start_new_session=True)
            print(f"serve-prod: {name} started (pid {self.children[name].pid})", file=sys.stderr,
                  flush=True)

    def on_signal(self, signum, _frame) -> None:
        self.stopping = True

    def wait(self) -> int:
        """Until a signal or a child's exit; returns the exit status to leave with."""
        while not self.stopping:
            for name, child in self.children.items():
                if child.poll() is not None:
                    print(f"serve-prod: {name} exited with {child.returncode}; stopping the rest",
                          file=sys.stderr, flush=True)
                    return 1
            time.sleep(0.5)
        return 0

    def stop(self) -> None:
        for child in self.children.values():
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        for name, child in self.children.items():
            # Whatever is left of the group (a worker's children included) is killed.
            _signal_group(child, signal.SIGKILL)
            child.wait()
            print(f"serve-prod: {name} stopped", file=sys.stderr, flush=True)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-setup", action="store_true", help="no migrate/collectstatic")
    parser.add_argument("--no-collectstatic", action="store_true", help="migrate only")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    found = problems(env)
    if found:
        print("serve-prod refuses to start:\n  - " + "\n  - ".join(found), file=sys.stderr)
        return 2
    env["ZHANGGUI_DEBUG"] = "false"
    env.setdefault("DJANGO_SETTINGS_MODULE", "zhanggui.settings")
    env.setdefault("ZHANGGUI_BIND", "127.0.0.1:8000")
    supervisor = Supervisor(env)
    signal.signal(signal.SIGTERM, supervisor.on_signal)
    signal.signal(signal.SIGINT, supervisor.on_signal)
    if not args.skip_setup:
        try:
            setup(env, collectstatic=not args.no_collectstatic)
        except subprocess.CalledProcessError as error:
            print(f"serve-prod: setup failed ({' '.join(error.cmd[2:])}: exit {error.returncode})",
                  file=sys.stderr)
            return 1
    status = 0
    try:
        if not supervisor.stopping:
            supervisor.start(commands(env))
            print(f"serve-prod: serving on http://{env['ZHANGGUI_BIND']}/ (Ctrl-C stops)",
                  file=sys.stderr, flush=True)
            status = supervisor.wait()
    finally:
        supervisor.stop()
    return status


if __name__ == "__main__":
    sys.exit(main())


# ---- throw-away instances (tests/test_serve_prod.py and benchmarks/load.py) -----------------

TEMPLATE_DATABASE = "zg_load_template"


def admin_url(url: str) -> str:
    """The ``postgres`` maintenance database on the server of ``url`` (psycopg form)."""
    return urlsplit(url)._replace(scheme="postgresql", path="/postgres").geturl()


def clone_database(server_url: str, name: str, *, python: str = sys.executable) -> str:
    """A new database ``name`` copied from a migrated template (kept between runs: migrating
    an empty database takes minutes; serve-prod's own migrate then applies what is new).
    Returns its URL."""
    import psycopg

    with psycopg.connect(admin_url(server_url), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (TEMPLATE_DATABASE,)).fetchone():
            conn.execute(f'CREATE DATABASE "{TEMPLATE_DATABASE}"')
            template_url = urlsplit(server_url)._replace(path=f"/{TEMPLATE_DATABASE}").geturl()
            env = {**os.environ, "DATABASE_URL": template_url, "REDIS_URL": ""}
            subprocess.run([python, "-m", "zhanggui.cli", "migrate", "--noinput", "-v0"], env=env,
                           check=True)
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DATABASE}"')
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(server_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Until ``url`` answers (any HTTP status) or ``process`` exits; raises on either failure."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve-prod exited with {process.returncode} before serving")
        try:
            urllib.request.urlopen(url, timeout=30).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def descendants(pid: int) -> set[int]:
    """The process ids below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found
