"""Shared by the benchmarks: a PostgreSQL database of their own and production-like settings.

Everything stays on this machine: PostgreSQL at 127.0.0.1 (BENCH_PG_URL), gunicorn and wrk on
the loopback interface.
"""

import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def database_url(name: str) -> str:
    return f"{PG_URL}/{name}"


def _admin_connection():
    import psycopg

    return psycopg.connect(database_url("postgres"), autocommit=True)


def database_exists(name: str) -> bool:
    with _admin_connection() as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def database_recreate(name: str) -> None:
    from psycopg import sql

    with _admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_prepare(name: str, *, reuse: bool) -> bool:
    """A fresh database `name`, or with `reuse` the existing one; True when it is fresh."""
    if reuse and database_exists(name):
        return False
    print(f"Creating database {name} ...", flush=True)
    database_recreate(name)
    return True


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def bench_env(db_name: str, **extra: str) -> dict[str, str]:
    """Production settings over plain HTTP on loopback: DEBUG off, a strong key, PostgreSQL."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cem_project.settings.production",
        DATABASE_URL=database_url(db_name),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(fn, *, runs: int) -> tuple[float, list[float]]:
    """Median seconds of `runs` calls after one warm-up call, and every sample."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), samples
