"""What the PostgreSQL benchmarks share: a progress log on stderr and a database of their
own on the server of ``DATABASE_URL`` (never the tests' ``test`` database)."""

import os
import sys
import time
from urllib.parse import urlsplit, urlunsplit


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_database_url(name: str) -> str:
    """``DATABASE_URL`` itself when it names a database of its own, else database ``name``
    on its server (``test``, ``postgres`` or no database at all are not a benchmark's)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    parts = urlsplit(base)
    if parts.path.strip("/") in ("", "test", "postgres"):
        parts = parts._replace(path=f"/{name}")
    return urlunsplit(parts)


def _admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.strip("/"), urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))


def ensure_database(url: str) -> None:
    """Create the database when it is missing."""
    import psycopg

    name, admin = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def recreate_database(url: str) -> None:
    """Drop the database (closing its connections) and create it empty."""
    import psycopg

    name, admin = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
