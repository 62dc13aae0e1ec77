"""Django on the benchmark's own database: every script under bench/ starts here.

DATABASE_URL names the database (default postgres://root@127.0.0.1:5432/portal_bench). The
benchmark writes to it freely, so anything but a PostgreSQL database named "*_bench" is refused.
The SSN keys and the secret key are the demo's (var/demo.env, made by `make run` or
`make bench-data`), so the portal served on this database reads the SSNs the generator wrote.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/portal_bench"


def bench_environment() -> dict[str, str]:
    """The environment a bench script, or the server it starts, runs Django with."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": DEFAULT_DATABASE_URL,
    }
    demo_env = ROOT / "var" / "demo.env"
    if demo_env.exists():
        for line in demo_env.read_text().splitlines():
            name, sep, value = line.partition("=")
            if sep and not name.startswith("#"):
                environment[name.strip()] = value.strip().strip("'\"")
    # What is already set (by make or by hand) wins over the demo's values.
    environment.update({name: os.environ[name] for name in environment if name in os.environ})
    # Figures taken with DEBUG on (every query kept in memory, error pages) would mean nothing.
    environment["DJANGO_DEBUG"] = "false"
    return environment


def refuse_unless_bench(url: str) -> None:
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres") or not parts.path.rstrip("/").endswith("_bench"):
        sys.exit(
            f"Refusing {url!r}: the benchmark needs its own PostgreSQL database named *_bench."
        )


def ensure_database(url: str) -> None:
    """Creates the benchmark's database on its server if it is not there yet."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    server = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "user": parts.username,
        "password": parts.password,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def vacuum_analyze(*tables: str) -> None:
    """VACUUM ANALYZE `tables` (all of them when none is named): what autovacuum does on a live server.

    The benchmark's own runs write and delete rows, and its server may run without autovacuum;
    without statistics and a visibility map, searches would read the table where a live system
    answers from its indexes.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def django_on_bench_database() -> None:
    """Points Django at the bench database (made if missing) and sets it up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.update(bench_environment())
    refuse_unless_bench(os.environ["DATABASE_URL"])
    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
