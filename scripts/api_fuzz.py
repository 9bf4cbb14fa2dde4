"""schemathesis against the API, bounded, on a throwaway database (CI step; runnable by hand).

    .venv/bin/python scripts/api_fuzz.py [--database-url postgres://postgres@127.0.0.1:5432/cem]
        [--max-examples 15] [--max-time 240]

Creates a database of its own (PostgreSQL: a fresh `<name>_fuzz_<pid>` beside the given
database's name; else a temporary SQLite file), migrates and seeds it with the demo, serves it
with gunicorn (two workers) on a free loopback port, and runs schemathesis with a superuser's
token against `/api/schema/`. Fails on a server error (5xx), a response that breaks its
schema, or an undocumented status code. Drops the database afterwards. Only 127.0.0.1 is
contacted, and the run is bounded by --max-examples per operation and --max-time in all.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql)


class ThrowawayDatabase:
    def __init__(self, base_url: str | None):
        self.base_url = base_url
        self.admin_url = None
        self.name = None
        self.sqlite = None

    def __enter__(self) -> str:
        if self.base_url and self.base_url.startswith(("postgres://", "postgresql://")):
            parts = urlsplit(self.base_url)
            self.name = f"{parts.path.lstrip('/') or 'cem'}_fuzz_{os.getpid()}"
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            _psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}"')
            _psql(self.admin_url, f'CREATE DATABASE "{self.name}"')
            return urlunsplit(parts._replace(path=f"/{self.name}"))
        handle, path = tempfile.mkstemp(prefix="cem-fuzz-", suffix=".sqlite3")
        os.close(handle)
        self.sqlite = Path(path)
        return f"sqlite:///{path}"

    def __exit__(self, *exc) -> None:
        if self.name:
            _psql(self.admin_url, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        if self.sqlite:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite}{suffix}").unlink(missing_ok=True)


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=10)  # noqa: S310 (loopback only)
            return
        except urllib.error.HTTPError:
            return  # an answer: the server is up
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not come up at {url}") from None
            time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--max-examples", type=int, default=15)
    parser.add_argument("--max-time", type=int, default=240)
    args = parser.parse_args()

    with ThrowawayDatabase(args.database_url) as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cem_project.settings.local",
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "CACHE_URL": "locmemcache://",  # per worker: the limits are not under test here
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_BROKER_URL": "memory://",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            # Thousands of requests from one address with one token: lift the login limit.
            "CEM_LOGIN_ATTEMPTS_PER_MINUTE": "100000",
        }
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo", "--force", "-v", "0")
        token = manage(env, "drf_create_token", "admin", capture=True).split()[2]
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "cem_project.wsgi:application",
                "--config",
                "/dev/null",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--error-logfile",
                "-",
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for(f"{base}/api/v1/", server)
            started = time.monotonic()
            result = subprocess.run(
                [
                    str(BIN / "schemathesis"),
                    "run",
                    f"{base}/api/schema/?format=json",
                    "--header",
                    f"Authorization: Token {token}",
                    "--checks",
                    CHECKS,
                    "--phases",
                    "examples,fuzzing",
                    "--max-examples",
                    str(args.max_examples),
                    "--max-time",
                    str(args.max_time),
                    "--workers",
                    "2",
                    "--request-timeout",
                    "20",
                    "--seed",
                    "1",
                    "--no-color",
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
            )
            print(f"schemathesis took {time.monotonic() - started:.0f} s", flush=True)
            return result.returncode
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    sys.exit(main())
