"""Settings for the WorkSource portal, all read from the environment (see README, "Configuration").

With no environment the portal runs as a demo: SQLite and Celery's filesystem broker, no server.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP

from portal.formats.en import formats as display

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def served_at(host: str, port: int) -> str:
    """The address a browser on this computer opens for a server bound to `host`:`port`.

    A server bound to every interface (0.0.0.0, ::) is reached at 127.0.0.1; an IPv6 address is
    written in brackets.
    """
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host.strip('[]')}]"
    return f"http://{host}:{port}"


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Behind a load balancer that ends TLS and says so in X-Forwarded-Proto (and strips it from clients):
# plain HTTP is redirected and browsers are told to use HTTPS only (HSTS). The client's address is
# then read from X-Forwarded-For as written by the last DJANGO_TRUSTED_PROXIES proxies (portal.middleware).
BEHIND_TLS_PROXY = env.bool("DJANGO_BEHIND_TLS_PROXY", default=False)
TRUSTED_PROXY_COUNT = max(1, env.int("DJANGO_TRUSTED_PROXIES", default=1))
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "guardian",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "portal",
    "notifications",
    "access",
    "participants",
    "optout",
    "dataedits",
    "audit",
    "demo",
    "intake",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SessionIdleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Every request: access ends the moment a contract expires or a disable takes effect; onboarding first.
    "access.middleware.AccessControlMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.NoStoreMiddleware",
    "portal.middleware.AuditMiddleware",  # django-auditlog's, with the trusted client address
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# Django's, with select boxes written in Python (portal.forms.FormRenderer).
FORM_RENDERER = "portal.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "access.context_processors.staff_context",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each web worker keeps its connection (checked before reuse) rather than opening one per request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def sqlite_options() -> dict[str, object]:
    """The demo's SQLite under concurrent writers (web requests, intake calls, the worker).

    Django opens SQLite transactions DEFERRED: one that read first and then writes asks for the
    write lock late, and SQLite refuses it at once ("database is locked") rather than wait, since
    waiting could deadlock. IMMEDIATE takes the write lock when the transaction begins, where
    the busy timeout applies: writers queue for up to `timeout` seconds instead of failing. WAL
    lets readers go on while one writes.
    """
    return {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }


def postgresql_options() -> dict[str, object]:
    """Prepared statements: PostgreSQL plans a query the worker sends again once, not every time.

    The same pages send the same SQL over and over (the person of every request, a search's
    parts); planning it took as long as running it. Parameters are then sent apart from the SQL
    (server-side binding), which prepared statements need; psycopg prepares a query once a
    connection has sent it twice, and keeps the last 100. PostgreSQL plans a prepared statement's
    first five runs one by one, then keeps a generic plan if it costs no more than those did. It
    pays only on lasting connections (DATABASE_CONN_MAX_AGE). A transaction-pooling proxy (PgBouncer
    before 1.21) cannot carry prepared statements: DATABASE_PREPARED_STATEMENTS=false turns them off.
    """
    if not env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        return {}
    return {"server_side_binding": True, "prepare_threshold": 2}


def database_options(database: dict) -> dict[str, object]:
    return {
        "django.db.backends.sqlite3": sqlite_options,
        "django.db.backends.postgresql": postgresql_options,
    }.get(database["ENGINE"], dict)()


DATABASES["default"].setdefault("OPTIONS", {}).update(database_options(DATABASES["default"]))
# A read replica of the primary, for Quick Search only (docs/scaling.md); without one, the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL") | {
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
    }
    DATABASES["replica"].setdefault("OPTIONS", {}).update(database_options(DATABASES["replica"]))
QUICK_SEARCH_DATABASE = "replica" if "replica" in DATABASES else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

AUTH_USER_MODEL = "access.Staff"
AUTHENTICATION_BACKENDS = [
    "access.backends.SignInLockoutBackend",  # django-axes: first, so a locked-out sign-in stops here
    "access.backends.StaffBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lockout (django-axes, NIST AC-7): 5 failures within 15 minutes lock the username for 15
# minutes; MIS access management can unlock sooner. Counted per username: offices share addresses.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
# Failures are cleared by a completed sign-in (password and code), not by the password alone:
# wrong authenticator codes count here too (access.views.onboarding.CodeStepMixin).
AXES_RESET_ON_SUCCESS = False
# What axes keeps of a failed attempt's form never includes the code typed.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_LOCKOUT_TEMPLATE = "access/locked_out.html"
AXES_VERBOSE = False
# The same trusted client address as the audit trail's (portal.middleware).
AXES_CLIENT_IP_CALLABLE = "portal.middleware.client_address"
# axes.W006 suggests counting per address too: a shared office address would lock out the office.
# models.W040: SQLite (the demo) leaves out the search indexes' included column; PostgreSQL uses it.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]

# MIS access (access/): accounts unused this long are disabled; every sign-in asks for the authenticator code.
ACCESS_INACTIVITY_DAYS = env.int("ACCESS_INACTIVITY_DAYS", default=90)
# The sweep ends access for this many people per transaction (a sweep cut off keeps finished batches).
ACCESS_SWEEP_BATCH = env.int("ACCESS_SWEEP_BATCH", default=500)
ACCESS_MFA_AT_SIGN_IN = True
# Authenticator secrets (django-otp's TOTP devices) are sealed with their own AES-256 keyring,
# `id2:<base64>,id1:<base64>` like SSN_KEYS (key ids of at most 10 characters); rotate_mfa_keys re-seals.
MFA_KEYS = env("MFA_KEYS")
OTP_TOTP_ISSUER = "WorkSource portal"
# Links in emails (a new user's first sign-in, notices) point here: PORTAL_BASE_URL, or else the
# address the portal is served on, which `make run` passes as PORTAL_HOST and PORTAL_PORT (its
# HOST and PORT), so that `make run PORT=8101` sends links to port 8101.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="") or served_at(
    env("PORTAL_HOST", default="127.0.0.1"), env.int("PORTAL_PORT", default=8000)
)

# Django's database sessions, read with a query compiled once per process.
SESSION_ENGINE = "portal.sessions"
# Idle sessions end after 15 minutes (NIST AC-11/12): activity pushes the expiry forward, at most
# once a minute (portal.middleware.SessionIdleMiddleware), so an idle session ends 14 to 15 minutes
# after the last request, never later.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_TOUCH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "style-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("PORTAL_TIME_ZONE", default="America/Los_Angeles")
USE_I18N = False
USE_TZ = True
# One way of writing dates and times on every page, email and export: 12/01/2026 4:05 PM, from
# portal/formats (which Django's English formats would otherwise outrank); the same in settings
# for code that asks them, and portal.dates.shown for text written in Python.
FORMAT_MODULE_PATH = ["portal.formats"]
DATE_FORMAT, TIME_FORMAT, DATETIME_FORMAT = (
    display.DATE_FORMAT,
    display.TIME_FORMAT,
    display.DATETIME_FORMAT,
)
SHORT_DATE_FORMAT, SHORT_DATETIME_FORMAT = display.SHORT_DATE_FORMAT, display.SHORT_DATETIME_FORMAT

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static_root"
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Email goes to a mail server (SMTP). Only the demo (`make run`, PORTAL_DEMO) or debug prints it to
# the console: anywhere else a system check (portal.checks) refuses to start, since first-sign-in
# links and notifications would land in the server's log.
PORTAL_DEMO = env.bool("PORTAL_DEMO", default=False)
_mail_backend = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG or PORTAL_DEMO
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _mail_backend}}
if _mail_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", default=""),
        "port": env.int("EMAIL_PORT", default=587),
        "username": env("EMAIL_HOST_USER", default=""),
        "password": env("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=True),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="worksource-portal@localhost")
# One Celery task per email (notifications/): a failure is retried after 1, 2, 4 ... times this many
# seconds; an email still unsent this long after it was queued is handed to a worker again.
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=60)
EMAIL_RESEND_AFTER_SECONDS = env.int("EMAIL_RESEND_AFTER_SECONDS", default=600)

# Seekers' SSNs: AES-GCM keyring (first key encrypts, every key decrypts) and the blind-index key.
SSN_KEYS = env("SSN_KEYS")
SSN_BLIND_INDEX_KEY = env("SSN_BLIND_INDEX_KEY")

# Search results per page.
PARTICIPANTS_PER_PAGE = env.int("PARTICIPANTS_PER_PAGE", default=25)

# The boxes other apps add to View / Edit participant, saved with the record (participants.record).
PARTICIPANT_RECORD_BOXES = ["optout.record.OptOutBox", "audit.record.DisclosuresBox"]

# Data edits: supporting documents are kept outside the web root and served only after a
# permission check; uploads larger than this are refused.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
DATAEDIT_UPLOAD_MAX_BYTES = env.int("DATAEDIT_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# Opt-out (optout/): each partner staff member's Opt-Out Lookups an hour; an opt-in request with no
# supervisor action for this many days is overdue, and its supervisors are reminded this often.
OPTOUT_LOOKUPS_PER_HOUR = env.int("OPTOUT_LOOKUPS_PER_HOUR", default=30)
OPTOUT_REQUEST_OVERDUE_DAYS = env.int("OPTOUT_REQUEST_OVERDUE_DAYS", default=30)
OPTOUT_REMINDER_EVERY_DAYS = env.int("OPTOUT_REMINDER_EVERY_DAYS", default=7)

# The audit trail: SSN columns never enter it; a Participant change says "ssn_changed" instead.
# Its entries are the audit app's, which name the seeker each entry concerns (audit.models).
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False
# A client's X-Correlation-ID is kept only if it is short and plain (portal.audit); tasks use their id.
AUDITLOG_CID_HEADER = "x-correlation-id"
AUDITLOG_CID_GETTER = "portal.audit.current_correlation_id"
# The seal chain (audit/): at most this many entries per seal; how long a sealing run waits for
# transactions still writing the trail; how far an entry's time may stray from the clock of the
# sealing runs around it (app servers' and workers' clocks differ a little) before it counts as
# inserted with a false date.
AUDIT_SEAL_ENTRIES = env.int("AUDIT_SEAL_ENTRIES", default=1000)
AUDIT_SEAL_WAIT_SECONDS = env.float("AUDIT_SEAL_WAIT_SECONDS", default=5.0)
AUDIT_SEAL_CLOCK_TOLERANCE = timedelta(
    seconds=env.int("AUDIT_SEAL_CLOCK_TOLERANCE_SECONDS", default=300)
)

# Celery. Demo: the filesystem broker in var/, so `make run` needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery" / "queue"
    _queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # The exchange tables; kombu's default is ./control, which would write into the checkout.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": timedelta(minutes=15),
    },
    "resend-unsent-emails": {
        "task": "notifications.tasks.resend_unsent_emails",
        "schedule": timedelta(minutes=10),
    },
    "sweep-access": {
        "task": "access.tasks.sweep_access",
        "schedule": timedelta(minutes=5),
    },
    "remind-overdue-opt-in-requests": {
        "task": "optout.tasks.remind_overdue_opt_in_requests",
        "schedule": timedelta(hours=1),
    },
    "seal-audit-trail": {
        "task": "audit.tasks.seal_audit_trail",
        "schedule": timedelta(minutes=1),
    },
    # The state's early morning, emailed to the administrators: on weekdays and Saturday from the
    # last checkpoint (what was sealed since), on Sunday the whole chain from its first seal (at
    # 5,000 to 14,000 entries a second, hours for 50 million: longer than a task's usual limit).
    "verify-audit-chain": {
        "task": "audit.tasks.verify_audit_chain",
        "schedule": crontab(hour=6, minute=0, day_of_week="mon-sat"),
    },
    "verify-audit-chain-from-start": {
        "task": "audit.tasks.verify_audit_chain",
        "schedule": crontab(hour=6, minute=0, day_of_week="sun"),
        "kwargs": {"from_start": True},
        "options": {"time_limit": 12 * 3600, "soft_time_limit": 12 * 3600 - 60},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_ssn": {"()": "portal.logging.RedactSSNFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_ssn"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-axes reports every sign-in at INFO; failures and lockouts (WARNING) are what matter.
    "loggers": {"axes": {"level": "WARNING"}},
}
