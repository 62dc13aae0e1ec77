"""Fails, with how to start them, when the test suite's PostgreSQL or Redis cannot be reached."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgres://root@127.0.0.1:5432/portal")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

problems = []
try:
    url = urlparse(DATABASE_URL)
    # The test database is created by the suite: check the server through its maintenance database.
    psycopg.connect(
        host=url.hostname,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname="postgres",
        connect_timeout=5,
    ).close()
except Exception as exc:  # any failure to connect is reported the same way
    problems.append(
        f"PostgreSQL is not reachable at {url.hostname}:{url.port or 5432} ({exc.__class__.__name__}).\n"
        "  Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
        "  or point TEST_DATABASE_URL at a server where this user may create databases."
    )
try:
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=5).ping()
except Exception as exc:
    problems.append(
        f"Redis is not reachable at {REDIS_URL} ({exc.__class__.__name__}).\n"
        '  Start it with: redis-server --daemonize yes --port 6379 --save "" --appendonly no\n'
        "  or point TEST_REDIS_URL at a running Redis."
    )

if problems:
    print("The test suite needs PostgreSQL and Redis; it does not skip them.", file=sys.stderr)
    for problem in problems:
        print("- " + problem, file=sys.stderr)
    sys.exit(1)
print("PostgreSQL and Redis are reachable.")
