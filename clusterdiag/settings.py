"""ClusterDiag settings: one module, driven by environment variables.

Every variable is listed in the README. Values that are wrong stop the start-up with a
one-line explanation (ImproperlyConfigured) rather than running half-configured.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (never committed) lets a developer keep their variables in one place.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean and refuse anything but the usual spellings of true and false."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off: set it to a long random string."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "clusterdiag",
    "diagnostic",
    "benchmark",
    "plans",
    "partners",
    "api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "simple_history",
    "csp",
    "axes",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clusterdiag.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, without a look for a language in URL paths, which have none (middleware.py).
    "clusterdiag.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clusterdiag.middleware.UserLanguageMiddleware",
    # Django's, with the storage built on first use (middleware.py).
    "clusterdiag.middleware.MessageMiddleware",
    # After the language and the messages: it answers a bad body with a message.
    "clusterdiag.middleware.RejectUndecodableBodyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # simple_history's, for the methods that may write only (middleware.py).
    "clusterdiag.middleware.HistoryRequestMiddleware",
    # axes must come last: it reads the outcome of the authentication above.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusterdiag.urls"
WSGI_APPLICATION = "clusterdiag.wsgi.application"

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

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DB_CONN_MAX_AGE", 60))
    # A dropped connection (PostgreSQL restarted) is noticed before use instead of failing
    # the request that happens to pick it up.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writes (a double-clicked submit) must queue as on PostgreSQL, not fail
    # with "database is locked". A deferred transaction that reads, then writes, cannot
    # wait for another writer (SQLite answers "locked" at once to avoid a deadlock), so
    # every transaction takes the write lock when it begins; and a writer waits up to 20 s
    # for the lock. WAL lets pages be read while a write is under way.
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("timeout", 20)
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    sqlite_options.setdefault("init_command",
                              "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "clusterdiag.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the user of each request from a short-lived copy (see auth.py).
    "clusterdiag.auth.CachedUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
# Django's login form posts the email address in a field named "username".
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Password reset requests, throttled per address and per client IP (django-ratelimit). The
# counters live in a cache of their own: in-process by default, a shared one (for example
# redis://host:6379/2) when several web processes or hosts serve the site.
CACHES_RATELIMIT = env.cache_url("RATELIMIT_CACHE_URL", default="locmemcache://ratelimit")
RATELIMIT_USE_CACHE = "ratelimit"
if CACHES_RATELIMIT["BACKEND"].endswith("LocMemCache"):
    # django-ratelimit calls an in-process cache an error: each process counts on its own,
    # so N web processes let N times the rate through. Accepted for one small server and
    # for development; the README says to set RATELIMIT_CACHE_URL for more.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
else:
    # Django's own Redis backend increments atomically but is not on the library's list.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
PASSWORD_RESET_RATE_PER_ADDRESS = env.str("PASSWORD_RESET_RATE_PER_ADDRESS", default="3/h")
PASSWORD_RESET_RATE_PER_IP = env.str("PASSWORD_RESET_RATE_PER_IP", default="20/h")

# Days an invitation to a cluster's team can be accepted.
INVITATION_EXPIRY_DAYS = env_int("INVITATION_EXPIRY_DAYS", 7, minimum=1)

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "clusterdiag.staticfinders.PlotlyJsFinder",
]
# Generated files (PDFs) are private: they live outside any URL and are served by views
# that check access. "filesystem" keeps them under PRIVATE_FILES_ROOT on this host;
# "database" in PostgreSQL, which every host shares (clusterdiag/storage.py says why).
PRIVATE_FILES_STORAGE = env.str("PRIVATE_FILES_STORAGE", default="filesystem")
if PRIVATE_FILES_STORAGE not in {"filesystem", "database"}:
    raise ImproperlyConfigured(
        f"PRIVATE_FILES_STORAGE must be filesystem or database, not {PRIVATE_FILES_STORAGE!r}.")
PRIVATE_FILES_ROOT = Path(env.str("PRIVATE_FILES_ROOT", default=str(BASE_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ClusterDiag <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails sent outside a request (review notifications) start with this address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# What the plan page promises a team that submits its plan: an answer within this many
# working days (from its facilitator, or from the administrators when it has none).
REVIEW_ANSWER_DAYS = env.int("REVIEW_ANSWER_DAYS", default=10)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: tasks run inline in the web process, so a newcomer needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every call a request makes to Redis (the sessions cache, rate-limit counters, sending a
# task) waits this long at most; a server that failed one is then skipped by the process
# for REDIS_RETRY_SECONDS, and the caller falls back (clusterdiag/breaker.py).
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_SECONDS = env_int("REDIS_RETRY_SECONDS", 10, minimum=1)
# The worker's own connection to the broker, and /healthz's probe of it.
BROKER_TIMEOUT_SECONDS = 1.0
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=10),
}
CELERY_TASK_PUBLISH_RETRY = False
# Two deployments (or a test) sharing one Redis keep their tasks apart with their own queue.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
# A worker with messages waiting, the broker answering, no task in hand and nothing received
# for this long has stopped consuming: it exits for its supervisor to restart it
# (clusterdiag/liveness.py). 0 turns the watchdog off.
WORKER_STALL_SECONDS = env_int("WORKER_STALL_SECONDS", 60)
# Task modules outside an app's tasks.py (autodiscovery only looks there).
CELERY_IMPORTS = ["plans.pdf.tasks"]

# --- PDF of the action plan -------------------------------------------------------------------
# Jobs still waiting after this many seconds (the broker was down) are sent again by the
# sweeper, which Celery beat runs at the same interval.
# The partner search: how many clusters one cluster may express interest in per 24 hours.
PARTNER_INTERESTS_PER_DAY = env_int("PARTNER_INTERESTS_PER_DAY", 10, minimum=1)
PDF_SWEEP_SECONDS = env_int("PDF_SWEEP_SECONDS", 60, minimum=5)
PDF_TIME_LIMIT_SECONDS = env_int("PDF_TIME_LIMIT_SECONDS", 120, minimum=10)
# A job "running" longer than this has lost its worker: the sweeper hands it to another.
PDF_RUNNING_TIMEOUT_SECONDS = 2 * PDF_TIME_LIMIT_SECONDS + 60
# Milestone reminders: this many days before a milestone, and once it is late.
MILESTONE_REMINDER_DAYS = env_int("MILESTONE_REMINDER_DAYS", 7, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "pdf-jobs-sweep": {"task": "plans.pdf.tasks.sweep_pdf_jobs",
                       "schedule": float(PDF_SWEEP_SECONDS)},
    # Daily; running it twice sends nothing twice (plans/reminders.py).
    "milestone-reminders": {"task": "plans.tasks.send_milestone_reminders",
                            "schedule": crontab(hour=7, minute=0)},
}

# --- Security -------------------------------------------------------------------------------
# In the database, with a copy of each session and its user in the "sessions" cache
# (sessions.py, sessioncache.py). SESSION_CACHE_URL (a Redis shared by every process and
# host) makes that copy safe: a log-out or a new password deletes the one copy, so the
# session ends everywhere at once. Without it the cache would be each process's own, whose
# copy outlives a log-out made elsewhere: then no copy by default.
SESSION_ENGINE = "clusterdiag.sessions"
SESSION_CACHE_ALIAS = "sessions"
SESSION_CACHE_URL = env.str("SESSION_CACHE_URL", default="")
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 600 if SESSION_CACHE_URL else 0)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# /healthz is polled over plain HTTP inside the compose network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js sets style attributes on the SVG it draws.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# --- Cache ------------------------------------------------------------------------------------
# Whole pages of the journey served again while nothing was written (pagecache.py).
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# In-process: rendered results survive a stopped Redis, and keys carry their own versions.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 500, minimum=10)},
    },
    # Whole journey pages, kept between two writes to the database (pagecache.py).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 300, minimum=10)},
    },
    # Sessions and their users (sessions.py): in this process unless SESSION_CACHE_URL.
    "sessions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sessions",
        "OPTIONS": {"MAX_ENTRIES": env_int("SESSION_CACHE_MAX_ENTRIES", 5000, minimum=10)},
    },
}
if SESSION_CACHE_URL:
    # REDIS_TIMEOUT_SECONDS and the breaker: a stopped or hung Redis costs one request a
    # quarter of a second, then the process reads the database for a while (sessioncache.py).
    CACHES["sessions"] = {
        "BACKEND": "clusterdiag.rediscache.RedisCache",
        "LOCATION": SESSION_CACHE_URL,
        # The database in the prefix: two sites sharing one Redis (a staging and a bench
        # site, say) never read each other's users, whose ids are the same.
        "KEY_PREFIX": "clusterdiag:{HOST}:{PORT}/{NAME}".format(**DATABASES["default"]),
    }
if CACHES_RATELIMIT["BACKEND"].endswith(".RedisCache"):
    # The same guard; counters that cannot be read count nothing (rediscache.py).
    CACHES_RATELIMIT["BACKEND"] = "clusterdiag.rediscache.RateLimitCache"
CACHES["ratelimit"] = CACHES_RATELIMIT

# --- Benchmark ----------------------------------------------------------------------------
# A group of peers smaller than this shows no figure at all, nor can any combination of
# published figures single out fewer clusters (benchmark/disclosure.py). Below 5 only for
# development: the consent text promises the configured value.
PEER_MIN_GROUP = env_int("PEER_MIN_GROUP", 5, minimum=3 if DEBUG else 5)

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint and fontTools are chatty about CSS they skip on purpose.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # kaleido and its browser driver narrate every chart at INFO.
        "kaleido": {"level": "WARNING"},
        "choreographer": {"level": "WARNING"},
        "logistro": {"level": "WARNING"},
    },
}

# --- API ----------------------------------------------------------------------------------------
# Read-only, JSON only (no browsable API: its pages would need inline scripts the CSP
# refuses). Personal tokens or the browser session; a rate per token (README, "API").
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsAuthenticatedOr404"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE", default="1000/hour")},
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env_int("API_PAGE_SIZE", 50, minimum=1),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ClusterDiag API",
    "DESCRIPTION": "Read-only access to the clusters, diagnostic runs, scores and action "
                   "plans the caller may read, and to the published peer statistics.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}
