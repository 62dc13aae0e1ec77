"""The test suite's settings: the real PostgreSQL and Redis, fixed never-production keys."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ["DATABASE_URL"] = os.environ.get(
    "TEST_DATABASE_URL", "postgres://root@127.0.0.1:5432/portal"
)
_redis = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["CELERY_BROKER_URL"] = _redis
os.environ["CACHE_URL"] = _redis.replace("redis://", "rediscache://", 1)
# Two test-only AES keys: the first encrypts, both decrypt (rotation is tested with them).
os.environ.setdefault(
    "SSN_KEYS",
    "test2:c2Vjb25kLXRlc3Qta2V5LW5vdC1mb3ItcHJvZC11c2U=,test1:Zmlyc3QtdGVzdC1rZXktbm90LWZvci1wcm9kLXVzZSE=",
)
os.environ.setdefault(
    "MFA_KEYS",
    "mfa2:bWZhLXNlY29uZC10ZXN0LWtleS1ub3QtZm9yLXByb2Q=,mfa1:bWZhLWZpcnN0LXRlc3Qta2V5LW5vdC1mb3ItcHJvZCE=",
)
os.environ.setdefault("SSN_BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktbm90LWZvci1wcmQ=")

from .settings import *  # noqa: E402,F403
from .settings import CACHES  # noqa: E402

DEBUG = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Mail stays in Django's test outbox (the mail check knows the suite: TESTING).
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TESTING = True
# Tasks run where they are queued (an email goes out as its change commits); the tests that are
# about workers turn this off and start real ones (tests/conftest.py, `real_workers`).
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_RETRY_BASE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client builds a new handler per client: WhiteNoise would rescan static files each time.
# The live server of the browser tests serves static files itself.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Parallel test processes share one Redis: each keeps its own keys and its own task queue.
_worker = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHES["default"]["KEY_PREFIX"] = _worker
CELERY_TASK_DEFAULT_QUEUE = _worker
