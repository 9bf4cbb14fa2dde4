"""Settings shared by every environment; each value comes from the environment with a
default that runs the product embedded (SQLite, filesystem broker, mail to files)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# ------------------------------------------------------------------ core
# The development default; production.py refuses to start with it (or without a key).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "adminsortable2",  # drag-and-drop order of a survey's questions
    "axes",
    "cem_project",  # creates the database cache's table after migrate (apps.py)
    "customers",
    "surveys",
    "insights",
    "insights.cases",
    "insights.plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL byte in the path is a 404 before any view or query sees it.
    "cem_project.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it turns a refused login (django-axes' lockout) into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cem_project.urls"
WSGI_APPLICATION = "cem_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# ------------------------------------------------------------------ database
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Checks a reused persistent connection once per request (a `SELECT 1` round trip) so that a
# restarted database costs no failed request; CONN_HEALTH_CHECKS=false saves the round trip.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and beat write the demo database side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT for the app's sessions: on report aggregates over a million rows it spent ~180 ms
    # compiling to save less; short OLTP queries never reach its threshold anyway.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SILENCED_SYSTEM_CHECKS = [
    # Covering indexes (INCLUDE) serve PostgreSQL; SQLite simply builds them without the extras.
    "models.W040",
    # "SQLite does not support unique constraints with nulls distinct": only the metric
    # rollups (insights.AnswerDay, ResponseDay) use nulls_distinct=False, and they are
    # PostgreSQL-only (required_db_vendor): on SQLite their tables are never created, so the
    # warning `migrate` printed there was about a constraint nobody needs.
    "models.W047",
]

# ------------------------------------------------------------------ cache
# Shared by every process: the rate limits count here. CACHE_URL (or REDIS_URL), e.g.
# redis://127.0.0.1:6379/1 in production; by default the database table `cem_cache` (made by
# `migrate`, see cem_project/apps.py), whose increment cem_project.cache makes atomic.
CACHE_URL = env("CACHE_URL", default=env("REDIS_URL", default="dbcache://cem_cache"))
if CACHE_URL.startswith(("redis://", "rediss://")):
    # Django's own Redis backend (INCR is atomic), not django-environ's django-redis default.
    CACHES = {
        "default": env.cache_url_config(
            CACHE_URL, backend="django.core.cache.backends.redis.RedisCache"
        )
    }
else:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    CACHES["default"]["BACKEND"] = "cem_project.cache.AtomicDatabaseCache"
CACHES["default"].setdefault("KEY_PREFIX", "cem")

# ------------------------------------------------------------------ proxies, limits, lockout
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the client
# address is REMOTE_ADDR and the header is ignored). cem_project.ratelimits.client_ip.
CEM_TRUSTED_PROXY_COUNT = env.int("CEM_TRUSTED_PROXY_COUNT", default=0)
# Per address and minute: failed public-link lookups, open-link submissions, password tries.
CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = env.int("CEM_TOKEN_GUESS_LIMIT_PER_MINUTE", default=60)
CEM_OPEN_LINK_SUBMITS_PER_MINUTE = env.int("CEM_OPEN_LINK_SUBMITS_PER_MINUTE", default=10)
CEM_LOGIN_ATTEMPTS_PER_MINUTE = env.int("CEM_LOGIN_ATTEMPTS_PER_MINUTE", default=30)
RATELIMIT_USE_CACHE = "default"
# A submit's losing duplicates within this many seconds of the winner see "already answered".
CEM_DOUBLE_SUBMIT_WINDOW_SECONDS = env.int("CEM_DOUBLE_SUBMIT_WINDOW_SECONDS", default=120)

# django-axes: after CEM_LOGIN_FAILURE_LIMIT failed passwords for one username from one
# address, that pair is locked for CEM_LOGIN_LOCKOUT_MINUTES (admin login and API token alike).
AXES_FAILURE_LIMIT = env.int("CEM_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("CEM_LOGIN_LOCKOUT_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cem_project.ratelimits.client_ip_for_axes"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False

# ------------------------------------------------------------------ auth
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# ------------------------------------------------------------------ i18n
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("pl", _("Polish")),
    ("fa", _("Persian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our amendments to Django's number formats (cem_project/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["cem_project.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# ------------------------------------------------------------------ static files
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The PDF fonts (static/fonts, 6 MB of CJK outlines) are read by WeasyPrint, not browsers:
# compressing them cost 20 s of every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "otf", "ttf"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# ------------------------------------------------------------------ security
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_048_576
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1_000
# Uploads the staff pages take (translation files) stay in memory; the public pages refuse
# any file before it is read (surveys.views.public.refuse_file_uploads).
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1_048_576
# Staff pages (admin, insights, API docs): self-hosted script only, no inline script. Styles
# may be inline: the server-drawn SVG charts carry matplotlib's style attributes, and Swagger
# UI inserts a <style>. The public pages send their own, stricter header (no inline style
# either; surveys.views.public), which this one leaves alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

# ------------------------------------------------------------------ email
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CX Team <cx@example.com>")
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "cem_project.mail.EmlFileBackend"

# ------------------------------------------------------------------ celery
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # Every chunk of work is far shorter than this; schedules live in the database, not in ETAs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# The queue tasks are published to (a worker started with -Q must consume it too); the
# integration tests give each worker a queue of its own.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-invitations": {
        "task": "surveys.tasks.invitations_dispatch_due_task",
        "schedule": env.float("DISPATCH_INTERVAL_SECONDS", default=15.0),
    },
    # Relationship waves, daily: close what is over, start what is due, then remind. Each task
    # is idempotent (one wave per programme and period), so a restarted or doubled beat is safe.
    "waves-close-due": {
        "task": "surveys.tasks.waves_close_due_task",
        "schedule": crontab(minute=15, hour=0),
    },
    "programmes-start-due": {
        "task": "surveys.tasks.programmes_start_due_task",
        "schedule": crontab(minute=30, hour=0),
    },
    "waves-send-reminders": {
        "task": "surveys.tasks.waves_send_reminders_task",
        "schedule": crontab(minute=0, hour=8),
    },
    # Retention of personal data (CEM_RETENTION_*): nothing happens while both are 0.
    "personal-data-purge": {
        "task": "surveys.tasks.personal_data_purge_task",
        "schedule": crontab(minute=45, hour=1),
    },
    # Each vertical market's monthly operations review pack, before the month's meeting
    # (idempotent: one Report per market and month, a constraint).
    "plans-monthly-packs": {
        "task": "insights.plans.tasks.monthly_packs_due_task",
        "schedule": crontab(minute=0, hour=6),
    },
    # Days before today are read from the rollup (PostgreSQL), today from the raw answers.
    "metrics-rollup-refresh": {
        "task": "insights.tasks.metrics_rollup_refresh_task",
        "schedule": crontab(minute=5, hour=0),
    },
    # Alerts: responses whose evaluation never ran, stuck case mails; escalation past the SLA;
    # the daily digest. Each claims its rows, so a restarted or doubled beat does nothing twice.
    "alerts-sweep": {
        "task": "insights.cases.tasks.alerts_sweep_task",
        "schedule": env.float("CEM_CASES_SWEEP_INTERVAL_SECONDS", default=60.0),
    },
    "cases-escalate-due": {
        "task": "insights.cases.tasks.cases_escalate_due_task",
        "schedule": env.float("CEM_CASES_ESCALATION_INTERVAL_SECONDS", default=300.0),
    },
    "case-digests-send": {
        "task": "insights.cases.tasks.case_digests_send_task",
        "schedule": crontab(minute=0, hour=env.int("CEM_CASES_DIGEST_HOUR", default=7)),
    },
}

# ------------------------------------------------------------------ product rules
CEM_INVITATION_TTL_DAYS = env.int("CEM_INVITATION_TTL_DAYS", default=60)
CEM_FATIGUE_WINDOW_DAYS = env.int("CEM_FATIGUE_WINDOW_DAYS", default=30)
# At most this many invitations per account (across its contacts) in a window of days.
CEM_ACCOUNT_MAX_INVITATIONS = env.int("CEM_ACCOUNT_MAX_INVITATIONS", default=10)
CEM_ACCOUNT_WINDOW_DAYS = env.int("CEM_ACCOUNT_WINDOW_DAYS", default=30)
# A queued or in-flight send is left to its task this long before the dispatcher treats it as
# lost: longer than CELERY_TASK_TIME_LIMIT and the longest retry backoff (tests shorten it).
CEM_SEND_LEASE_SECONDS = env.int("CEM_SEND_LEASE_SECONDS", default=660)
# A PDF report renders in a child process killed after this many seconds or when it needs
# this many MB of address space beyond what it inherits (insights.reports).
CEM_REPORT_TIMEOUT_SECONDS = env.float("CEM_REPORT_TIMEOUT_SECONDS", default=30.0)
CEM_REPORT_MEMORY_MB = env.int("CEM_REPORT_MEMORY_MB", default=1024)
# Alerts and cases: past this many case mails to one person in 24 hours, further new cases
# wait for the daily digest (0: always the digest).
CEM_CASES_DIGEST_THRESHOLD = env.int("CEM_CASES_DIGEST_THRESHOLD", default=10)
# The sweep evaluates unmarked responses of the last N days, older than the grace period.
CEM_CASES_SWEEP_LOOKBACK_DAYS = env.int("CEM_CASES_SWEEP_LOOKBACK_DAYS", default=7)
CEM_CASES_SWEEP_GRACE_SECONDS = env.int("CEM_CASES_SWEEP_GRACE_SECONDS", default=120)
# Accounts' quadrants and latest revenue, read by value conditions and overrides, are cached.
CEM_CASES_VALUE_CACHE_SECONDS = env.int("CEM_CASES_VALUE_CACHE_SECONDS", default=300)
CEM_CASES_NOTICE_LEASE_SECONDS = env.int("CEM_CASES_NOTICE_LEASE_SECONDS", default=300)

# The customer matrix (insights.metrics.matrix_rule). Billed strictly above the revenue threshold
# is high billing (HiTouch: above 10 million); a score at or above its metric's threshold is
# high satisfaction: NPS 0 (at least as many promoters as detractors), CX index 60 (items
# averaging 3.4 of 5, above the scale's neutral middle), CSAT 70 (seven in ten answering 4-5).
# Accounts with fewer answers than CEM_MATRIX_MIN_ANSWERS are "too few answers", not placed.
CEM_MATRIX_REVENUE_THRESHOLD = env.int("CEM_MATRIX_REVENUE_THRESHOLD", default=10_000_000)
CEM_MATRIX_NPS_THRESHOLD = env.float("CEM_MATRIX_NPS_THRESHOLD", default=0.0)
CEM_MATRIX_CX_INDEX_THRESHOLD = env.float("CEM_MATRIX_CX_INDEX_THRESHOLD", default=60.0)
CEM_MATRIX_CSAT_THRESHOLD = env.float("CEM_MATRIX_CSAT_THRESHOLD", default=70.0)
CEM_MATRIX_MIN_ANSWERS = env.int("CEM_MATRIX_MIN_ANSWERS", default=3)
# The corridor's weakest step is chosen among cells with at least this many scored answers.
CEM_CORRIDOR_MIN_ANSWERS = env.int("CEM_CORRIDOR_MIN_ANSWERS", default=10)
# Event attributes offered as cuts of the corridor page (any name works in the API).
CEM_CORRIDOR_ATTRIBUTES = env.list(
    "CEM_CORRIDOR_ATTRIBUTES", default=["technician", "agent", "region", "channel"]
)
# Retention of personal data (days; 0 keeps it until someone erases it). Free text of answers
# submitted longer ago is emptied; contacts without any activity for longer are erased.
CEM_RETENTION_FREE_TEXT_DAYS = env.int("CEM_RETENTION_FREE_TEXT_DAYS", default=0)
CEM_RETENTION_CONTACT_DAYS = env.int("CEM_RETENTION_CONTACT_DAYS", default=0)
# XLSX downloads of the insights tables stop after this many rows (CSV streams every row).
CEM_EXPORT_XLSX_MAX_ROWS = env.int("CEM_EXPORT_XLSX_MAX_ROWS", default=100_000)

# Action plans (insights.plans): a customer's link works this many days unless the team sets
# another date; a done action's follow-up pulse goes out this many days after it was done.
CEM_PLAN_SHARE_TTL_DAYS = env.int("CEM_PLAN_SHARE_TTL_DAYS", default=90)
CEM_PLAN_FOLLOW_UP_DELAY_DAYS = env.int("CEM_PLAN_FOLLOW_UP_DELAY_DAYS", default=7)
CEM_PLAN_COMMENT_MAX_LENGTH = env.int("CEM_PLAN_COMMENT_MAX_LENGTH", default=2000)
# Acknowledgements and comments one customer link may post per minute.
CEM_PLAN_CUSTOMER_POSTS_PER_MINUTE = env.int("CEM_PLAN_CUSTOMER_POSTS_PER_MINUTE", default=20)
# ... and PDFs it may download per minute (each costs the server most of a second).
CEM_PLAN_CUSTOMER_PDFS_PER_MINUTE = env.int("CEM_PLAN_CUSTOMER_PDFS_PER_MINUTE", default=6)
# The customer sees the vertical market's average only over at least this many accounts.
CEM_PLAN_MARKET_MIN_ACCOUNTS = env.int("CEM_PLAN_MARKET_MIN_ACCOUNTS", default=5)
# The satisfaction axis of a plan's matrix position (nps, cx_index or csat).
CEM_PLAN_MATRIX_METRIC = env("CEM_PLAN_MATRIX_METRIC", default="nps")
# Exports larger than these are built by a Celery task with progress and a download link.
CEM_PLAN_EXPORT_SYNC_MAX_PLANS = env.int("CEM_PLAN_EXPORT_SYNC_MAX_PLANS", default=5)
CEM_PLAN_EXPORT_SYNC_MAX_ACTIONS = env.int("CEM_PLAN_EXPORT_SYNC_MAX_ACTIONS", default=2000)
# A target's actual: its metric over this many days up to today (or up to its date).
CEM_TARGET_ACTUAL_DAYS = env.int("CEM_TARGET_ACTUAL_DAYS", default=90)
# The monthly operations review: the meeting's day of the month, and how many days before it
# beat generates each vertical market's pack of the month before.
CEM_REVIEW_MEETING_DAY = env.int("CEM_REVIEW_MEETING_DAY", default=5)
CEM_REVIEW_PACK_LEAD_DAYS = env.int("CEM_REVIEW_PACK_LEAD_DAYS", default=2)

# ------------------------------------------------------------------ forms, API
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Staff, holding the model permission of the method (cem_project/permissions.py).
    "DEFAULT_PERMISSION_CLASSES": ["cem_project.permissions.RolePermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Limit/offset with `limit` capped at 500 (the responses use a cursor: surveys.api).
    "DEFAULT_PAGINATION_CLASS": "cem_project.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    # The same trusted proxies as cem_project.ratelimits: the throttles' client address.
    "NUM_PROXIES": CEM_TRUSTED_PROXY_COUNT,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "6000/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CEM Platform API",
    "DESCRIPTION": "Accounts, contacts, touch points, surveys, responses and metrics.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAdminUser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cem_project.schema.add_error_responses",
    ],
    # The pinned Swagger UI of drf-spectacular-sidecar: /api/docs/ works without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets an API uses under several field names: one component each.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "insights.cases.constants.CaseState",
        "CaseEventKindEnum": "insights.cases.constants.CaseEventKind",
        "ConditionKindEnum": "insights.cases.constants.ConditionKind",
        "RouteTargetEnum": "insights.cases.constants.RouteTarget",
        "QuadrantEnum": "surveys.constants.Quadrant",
        # The matrix places an account in a quadrant or, with too few answers, nowhere.
        "MatrixPlacementEnum": "insights.metrics.PLACEMENTS",
        "KindEnum": "surveys.constants.SurveyKind",
        "DriverEnum": "surveys.constants.Driver",
        "PlanStatusEnum": "insights.plans.constants.PlanStatus",
        "ActionStatusEnum": "insights.plans.constants.ActionStatus",
    },
}

# ------------------------------------------------------------------ logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_tokens": {"()": "cem_project.logging.ScrubSurveyTokens"},
        "svg_style_noise": {"()": "cem_project.logging.DropInlineSvgStyleWarnings"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["scrub_tokens"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Replaces Django's own handlers (an unscrubbed console, mail_admins): every line that
        # could carry a request path goes through the token scrubber.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every login's bookkeeping at INFO; lockouts are warnings.
        "axes": {"level": "WARNING"},
        "weasyprint": {"filters": ["svg_style_noise"]},
    },
}
