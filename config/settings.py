"""Sanad settings, read from the environment.

Four modes, chosen by ``SANAD_ENV``:

* ``development`` (default): SQLite file and eager Celery unless ``DATABASE_URL`` /
  ``CELERY_BROKER_URL`` say otherwise. What ``make run`` uses. DEBUG is off here too, so
  a user of ``make run`` sees the friendly 404/403/500 pages, never Django's technical
  page listing the URL patterns; a developer who wants it sets ``DEBUG=1`` explicitly.
* ``test``: what ``make test`` uses (PostgreSQL and Redis from the environment).
* ``production``: refuses to start without ``SECRET_KEY``; DEBUG off; HTTPS-only
  cookies, HSTS, SSL redirect, MFA enforced. Passes ``manage.py check --deploy`` when
  configured as the README says. ``seed_demo`` refuses to run.
* ``demo``: production's settings on a public demo server; ``seed_demo`` may create the
  demo accounts (their password is published), MFA not enforced by default.

Every variable is listed in README.md.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

SANAD_ENV = env_str("SANAD_ENV", "development")
if SANAD_ENV not in {"development", "test", "production", "demo"}:
    raise ImproperlyConfigured("SANAD_ENV must be development, test, production or demo")
# ``demo``: a public demo server, with every protection of production; only seed_demo
# (the demo accounts with their published password) tells it apart, and MFA is not enforced.
DEMO = SANAD_ENV == "demo"
PRODUCTION = SANAD_ENV in {"production", "demo"}

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when SANAD_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-" + "x" * 20

DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when SANAD_ENV=production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_celery_beat",
    "django_celery_results",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Our apps, in layering order: core <- refugees <- projects <- funding <- reports
    "core",
    "refugees",
    "projects",
    "funding",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.middleware.CSPMiddleware",  # django-csp's, the policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.security.middleware.RefuseBadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.security.middleware.SessionDeviceMiddleware",  # django-otp's, its device read with the user
    "core.security.middleware.SecondFactorMiddleware",
    "core.security.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.FreshTodoAfterWriteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.sanad",
            ],
            "builtins": ["core.templatetags.sanad"],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
_POSTGRES_URL = DATABASE_URL.startswith(("postgres://", "postgresql://", "pgsql://"))
# On PostgreSQL every mode keeps its connections (DB_CONN_MAX_AGE, 60 s) and checks one
# before reusing it (DB_CONN_HEALTH_CHECKS), so a request opens no connection and one that
# PostgreSQL dropped costs no request an error. The embedded SQLite file opens per request.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if _POSTGRES_URL else 0),
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", default=_POSTGRES_URL),
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    # A database host that does not answer fails a request (and /readyz) in seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the embedded demo database) cannot make the report-version constraint that uses
# NULLS NOT DISTINCT (W047), nor carry extra columns in an index (W040: the refugees' intake
# index INCLUDEs the region for PostgreSQL's index-only scans; SQLite keeps the plain
# index). PostgreSQL has both. Do not warn about them on every `make run`.
SILENCED_SYSTEM_CHECKS = [] if USING_POSTGRES else ["models.W047", "models.W040"]

# --- Auth -----------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend whose per-request user fetch reads the office, organisation and roles too.
    "core.auth.SanadBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions expire at browser close, or after SESSION_IDLE_MINUTES of inactivity. They are
# read from the cache (PostgreSQL behind it) and written again only once per
# SESSION_REFRESH_MINUTES (core.middleware.IdleSessionMiddleware), not on every request:
# a session ends between idle - refresh and idle minutes after its last request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = False
SANAD_SESSION_REFRESH_SECONDS = min(env_int("SESSION_REFRESH_MINUTES", 5) * 60, SESSION_COOKIE_AGE // 2)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock a username+IP after AXES_FAILURE_LIMIT failures, and a username from
# every address after AXES_USERNAME_FAILURE_LIMIT (credential stuffing), with a cool-off.
# core.security.axes.SanadAxesHandler applies the two limits; docs/security.md.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "core.security.axes.SanadAxesHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.locked_out"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or, behind AXES_PROXY_COUNT reverse proxies that each
# append the address they saw to X-Forwarded-For, the entry that many places from its end
# (core.security.client_ip). With 0 (no proxy) a forwarded header is ignored.
SANAD_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"

# Multi-factor authentication (django-otp: TOTP and recovery codes). SANAD_MFA_REQUIRED_ROLES
# must enrol a second factor on their first login (a role name, or committee_chair for a
# member who chairs a sitting); anyone else may opt in. SANAD_MFA_ENFORCED is on in
# production and off by default elsewhere (the `make run` demo accounts sign in with their
# password alone); a user with a device always gives it. Step-up: the sensitive actions
# ask for the second factor again after SANAD_STEP_UP_MINUTES.
SANAD_MFA_ENFORCED = env_bool("SANAD_MFA_ENFORCED", default=PRODUCTION and not DEMO)
SANAD_MFA_REQUIRED_ROLES = env_list("SANAD_MFA_REQUIRED_ROLES", ["programme_manager", "committee_chair", "admin"])
SANAD_STEP_UP_MINUTES = env_int("SANAD_STEP_UP_MINUTES", 15)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Sanad")
# Passkeys (django-otp-webauthn, core.security.passkeys): a second factor beside the app,
# never a passwordless sign-in. A passkey is bound to the relying party's domain,
# OTP_WEBAUTHN_RP_ID (changing it means every passkey is added again), and the browser's
# origin must be one of OTP_WEBAUTHN_ALLOWED_ORIGINS. In production they default to the
# first of ALLOWED_HOSTS and https:// + each host; elsewhere to localhost (browse
# http://localhost:8000: a browser refuses passkeys on an IP address like 127.0.0.1).
_PASSKEY_HOSTS = [h.lstrip(".") for h in ALLOWED_HOSTS if h not in ("*", "testserver")]
OTP_WEBAUTHN_RP_NAME = env_str("OTP_WEBAUTHN_RP_NAME", "Sanad")
OTP_WEBAUTHN_RP_ID = env_str(
    "OTP_WEBAUTHN_RP_ID", (_PASSKEY_HOSTS[0] if _PASSKEY_HOSTS else "localhost") if PRODUCTION else "localhost"
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS",
    [f"https://{h}" for h in _PASSKEY_HOSTS] if PRODUCTION and _PASSKEY_HOSTS else ["http://localhost:8000"],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "core.security.passkeys.SanadWebAuthnHelper"
# Bad input: a query-string value longer than this is refused with a 400 (a NUL byte always).
SANAD_MAX_QUERY_VALUE = env_int("SANAD_MAX_QUERY_VALUE", 500)

# --- i18n -----------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "fr")
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
# English dates day first (en-GB) and grouped numbers: config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static, media and private files ---------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Outside production WhiteNoise serves the static files from the apps' folders (no
# collectstatic), DEBUG or not: `make run` runs with DEBUG off.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# WhiteNoise compresses every static file at collectstatic but source maps (only a
# developer's tools fetch them; compressing the vendored ones was most of its time).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Public media (nothing personal ever goes here).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Private files (documents, receipts, visit photos, reports): never served by URL,
# only streamed by views that check access. See core.storage.private_storage.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 10)
# Import files uploaded for a preview and never confirmed are deleted after this many hours.
REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS = env_int("REFUGEE_IMPORT_UPLOAD_MAX_AGE_HOURS", 24)
DATA_UPLOAD_MAX_MEMORY_SIZE = (MAX_UPLOAD_MB + 1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Email ----------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sanad <no-reply@sanad.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Base URL used in emails (links to report runs, password reset in Celery jobs).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- Celery ---------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "") or ""
# No broker: tasks run eagerly in the web process (the embedded default of `make run`).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# A broker down or hung (a network partition) must cost a request half a second, once:
# connection and socket timeouts on Redis, and one publishing attempt (core.tasks.enqueue
# sends with retry=False, and kombu makes one connection attempt: max_retries 0).
BROKER_TIMEOUT = env_float("CELERY_BROKER_TIMEOUT", 0.5)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# Redis redelivers an unacknowledged task after visibility_timeout: keep it above the
# longest task time limit, or a long task would run twice. A report run does not rely on
# it: its lease (below) is what brings a run back after its worker died.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
    "socket_timeout": BROKER_TIMEOUT,
    "socket_connect_timeout": BROKER_TIMEOUT,
    "max_retries": 0,
}
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT
# A running report run is owned by a lease its worker renews every quarter of it; a lease
# not renewed (the worker died) is taken back by the reconciling beat task (every minute),
# and the run built again, at most REPORTS_RUN_MAX_ATTEMPTS times.
REPORTS_RUN_LEASE_SECONDS = env_float("REPORTS_RUN_LEASE_SECONDS", 120)
REPORTS_RUN_MAX_ATTEMPTS = env_int("REPORTS_RUN_MAX_ATTEMPTS", 3)
CELERY_RESULT_EXPIRES = timedelta(days=7)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The beat schedule is declared in code, in config/celery.py.

# --- Cache ------------------------------------------------------------------------
# One cache shared by every web worker and Celery worker (sessions, dashboard figures,
# the to-do counts): Redis at CACHE_URL, or, without it, the broker's Redis database under
# the key prefix (core.cache.SanadRedisCache: its clear() deletes its own keys only, and a
# Redis that does not answer is a miss). No Redis (the embedded `make run`): local memory,
# one per process. CACHE_URL=locmem:// forces local memory.
CACHE_URL = env_str("CACHE_URL", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SanadRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "sanad"),
            "OPTIONS": {
                "socket_timeout": BROKER_TIMEOUT,
                "socket_connect_timeout": BROKER_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The navigation's to-do badge and the home page's to-do panel are counted at most once
# per this many seconds per user (/todo/ always counts afresh; a user's own write drops it).
SANAD_TODO_CACHE_SECONDS = env_int("SANAD_TODO_CACHE_SECONDS", 60)

# --- Forms and UI -----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PAGINATE_BY = env_int("PAGINATE_BY", 25)
COUNTRIES_FIRST = ["SY", "CF", "YE", "SS", "CI", "SD", "PS", "CM", "CD", "GN", "SN", "ML"]
COUNTRIES_FIRST_REPEAT = False

# Programme rules that are settings (documented in README).
SANAD_COOPERATIVE_MIN_MEMBERS = env_int("SANAD_COOPERATIVE_MIN_MEMBERS", 5)
SANAD_VISIT_SCHEDULE_MONTHS = [int(m) for m in env_list("SANAD_VISIT_SCHEDULE_MONTHS", ["1", "3", "6", "12", "24"])]
SANAD_SMALL_CELL_THRESHOLD = 5
# Each partner organisation's reporting calendar (reports.disclosure.calendar): "code:year",
# "code:quarter" or "code:month", comma-separated; "*:quarter" sets the default (a year).
SANAD_PARTNER_PERIODS = dict(item.split(":", 1) for item in env_list("SANAD_PARTNER_PERIODS", []) if ":" in item)

# Webhooks (core.webhooks): HTTPS endpoints only, never a private, loopback or link-local
# address (resolved before each call); SANAD_WEBHOOKS_ALLOW_LOOPBACK lets tests and a
# developer's machine use http(s)://127.0.0.1 or localhost, and is always off in production.
SANAD_WEBHOOKS_ALLOW_LOOPBACK = env_bool("SANAD_WEBHOOKS_ALLOW_LOOPBACK", default=False) and not PRODUCTION
SANAD_WEBHOOKS_TIMEOUT = env_float("SANAD_WEBHOOKS_TIMEOUT", 5.0)
SANAD_WEBHOOKS_MAX_ATTEMPTS = env_int("SANAD_WEBHOOKS_MAX_ATTEMPTS", 6)
SANAD_WEBHOOKS_RETRY_SECONDS = env_int("SANAD_WEBHOOKS_RETRY_SECONDS", 60)

# --- The REST API (core/api, docs/api.md) ---------------------------------------------
# Tokens (core.api.authentication) or the browser's session (with CSRF); every error in one
# JSON shape (core.api.errors); cursor pages; a rate per token on the API's cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("SANAD_API_RATE", "600/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanad API",
    "DESCRIPTION": "Aggregates for partners (through the disclosure layer) and cases for staff. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}
# The rate limits are kept in this cache: Redis when there is one (shared by every web
# process: SANAD_API_CACHE_URL, or the Celery broker's Redis), the process's memory otherwise.
_API_CACHE_URL = env_str("SANAD_API_CACHE_URL", "") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else ""
)
CACHES["api"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _API_CACHE_URL, "KEY_PREFIX": "api"}
    if _API_CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api"}
)
# A new token expires after this many days unless its creator chooses sooner.
SANAD_API_TOKEN_MAX_DAYS = env_int("SANAD_API_TOKEN_MAX_DAYS", 365)

# --- Security -------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False
# Content-Security-Policy (django-csp): every asset is vendored, no inline script or style
# (the dashboard's chart data is in json_script blocks, read by reports/dashboard.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
