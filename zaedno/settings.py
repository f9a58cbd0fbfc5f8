"""Settings of Zaedno. Every value is read from the environment (see docs/operations.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from zaedno.core.datafiles import private_dir, sqlite_files_private
from zaedno.env import EnvError, envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(envstr("ZAEDNO_DATA_DIR", str(Path.cwd() / "var"))).resolve()

TESTING = "pytest" in sys.modules or envbool("ZAEDNO_TESTING", False)
DEBUG = envbool("ZAEDNO_DEBUG", False)
DEMO = envbool("ZAEDNO_DEMO", False)

SECRET_KEY = envstr("ZAEDNO_SECRET_KEY")
if not SECRET_KEY:
    # Commands run beside a demo (``zaedno token``, ``zaedno audit verify``) reuse its key file.
    if not (DEBUG or DEMO or TESTING or (DATA_DIR / "secret_key").exists()):
        raise EnvError("ZAEDNO_SECRET_KEY must be set (or ZAEDNO_SECRET_KEY_FILE) outside the demo")
    # Demo and tests: a key kept in the data directory, so sessions survive a restart.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        SECRET_KEY = get_random_secret_key()
        if not TESTING:
            private_dir(DATA_DIR)
            key_file.write_text(SECRET_KEY)
            key_file.chmod(0o600)

ALLOWED_HOSTS = envlist("ZAEDNO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("ZAEDNO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (no CDN)
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "zaedno.core",
    "zaedno.places",
    "zaedno.organisations",
    "zaedno.accounts",
    "zaedno.audit",
    "zaedno.children",
    "zaedno.cases",
    "zaedno.signals",
    "zaedno.notifications",
    "zaedno.protocols",
    "zaedno.meetings",
    "zaedno.tools",
    "zaedno.assessments",
    "zaedno.profiles",
    "zaedno.plans",
    "zaedno.documents",
    "zaedno.resources",
    "zaedno.referrals",
    "zaedno.episodes",
    "zaedno.imports",
    "zaedno.join_requests",
    "zaedno.api",
    "zaedno.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zaedno.core.middleware.LanguageMiddleware",
    "zaedno.core.api_errors.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "zaedno.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "zaedno.urls"
WSGI_APPLICATION = "zaedno.wsgi.application"

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
                "zaedno.core.context_processors.zaedno",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL, busy timeout, IMMEDIATE transactions so concurrent writers queue instead of
# failing) by default; PostgreSQL when DATABASE_URL is set.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("ZAEDNO_DB_CONN_MAX_AGE", 60))
    }
else:
    if not TESTING:
        # The directory 0700 and the database 0600 before SQLite first opens it (docs/security.md).
        private_dir(DATA_DIR)
        sqlite_files_private(DATA_DIR / "zaedno.sqlite3")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "zaedno.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
                ),
            },
            "TEST": {"NAME": None},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "protocols:my_work"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "bg"
LANGUAGES = [("bg", _("Bulgarian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("ZAEDNO_TIME_ZONE", "Europe/Sofia")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["zaedno.formats"]
LANGUAGE_COOKIE_NAME = "zaedno_language"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
# Production serves the collected files (``zaedno collectstatic``); the demo and tests serve
# straight from the apps through WhiteNoise's finders, with nothing to collect.
STATIC_ROOT = (
    None if (DEBUG or DEMO or TESTING) else Path(envstr("ZAEDNO_STATIC_ROOT", str(DATA_DIR / "static")))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or DEMO or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO or TESTING

# --- Security -------------------------------------------------------------------------------
SECURE_HTTPS = envbool("ZAEDNO_HTTPS", not (DEBUG or DEMO or TESTING))
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and envbool("ZAEDNO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("ZAEDNO_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("ZAEDNO_HSTS_PRELOAD", False)
if envbool("ZAEDNO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("ZAEDNO_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Number of proxies in front of the app whose X-Forwarded-For can be trusted for the audit's
# "from where" (0: use REMOTE_ADDR).
ZAEDNO_TRUSTED_PROXY_COUNT = envint("ZAEDNO_TRUSTED_PROXY_COUNT", 0)
# How long a break-the-glass access lasts.
ZAEDNO_BREAK_GLASS_HOURS = envint("ZAEDNO_BREAK_GLASS_HOURS", 4)
# A probe: this many distinct refused case ids by one user within the minutes alerts the managers.
ZAEDNO_PROBE_DENIALS = envint("ZAEDNO_PROBE_DENIALS", 20)
ZAEDNO_PROBE_MINUTES = envint("ZAEDNO_PROBE_MINUTES", 10)
ZAEDNO_DEMO_PASSWORD = envstr("ZAEDNO_DEMO_PASSWORD", "zaedno-demo-2026")
ZAEDNO_BASE_URL = (envstr("ZAEDNO_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")

# --- Mail, tasks ----------------------------------------------------------------------------
EMAIL_BACKEND = envstr(
    "ZAEDNO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = envstr("ZAEDNO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("ZAEDNO_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("ZAEDNO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envstr("ZAEDNO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = envbool("ZAEDNO_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = envstr("ZAEDNO_FROM_EMAIL", "zaedno@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else envstr("ZAEDNO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
        ),
        "QUEUES": ["default"],
    }
}

# --- REST API -------------------------------------------------------------------------------
# The largest API request body in bytes (default 1 MB); more is refused with a 413. The upload of
# an import has its own limit (docs/security.md, "Request limits, file permissions and what
# e-mails carry").
ZAEDNO_API_MAX_BODY = envint("ZAEDNO_API_MAX_BODY", 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "zaedno.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "zaedno.api.pagination.LimitOffsetPagination",
    "DEFAULT_PARSER_CLASSES": [
        "zaedno.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "zaedno.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zaedno API",
    "DESCRIPTION": "Multisector case work for children at risk. Every call is need-to-know and audited.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set shared by several fields.
    "ENUM_NAME_OVERRIDES": {
        "SensitivityEnum": "zaedno.cases.models.Sensitivity",
        "SectorEnum": "zaedno.organisations.models.Sector",
        "OrganisationKindEnum": "zaedno.organisations.models.OrganisationKind",
        "TimelineKindEnum": "zaedno.cases.models.TimelineKind",
        "CaseStatusEnum": "zaedno.cases.models.CaseStatus",
        "StepStatusEnum": "zaedno.protocols.models.StepStatus",
        "ComplianceEnum": "zaedno.protocols.models.Compliance",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("ZAEDNO_LOG_LEVEL", "WARNING")},
}

# Kinds of organisation whose professionals may use emergency access (break-the-glass).
ZAEDNO_BREAK_GLASS_KINDS = envlist(
    "ZAEDNO_BREAK_GLASS_KINDS", ["ozd", "dps", "police", "hospital", "crisis_centre"]
)
# Django admin (for reference data, organisations and accounts only; no case content).
ZAEDNO_ADMIN_PATH = (envstr("ZAEDNO_ADMIN_PATH", "admin") or "admin").strip("/")

# HSTS preload is a commitment of the whole domain (a municipality's), not the application's
# to make; it is off by default and its check silenced (docs/security.md explains).
SILENCED_SYSTEM_CHECKS = envlist("ZAEDNO_SILENCED_CHECKS", ["security.W021"])

# Protocol deadlines (docs/protocols.md): a reminder goes out this many hours before a step is
# due (at most half the step's time), and an overdue step escalates to the owner's managers this
# many hours after its deadline (at most the step's own time). The worker scans every
# ZAEDNO_SCAN_MINUTES minutes.
ZAEDNO_REMINDER_HOURS = envint("ZAEDNO_REMINDER_HOURS", 24)
ZAEDNO_ESCALATION_HOURS = envint("ZAEDNO_ESCALATION_HOURS", 24)
ZAEDNO_SCAN_MINUTES = envint("ZAEDNO_SCAN_MINUTES", 5)

# Resource map (docs/resources.md): the background map's tile server (a URL template with {z},
# {x}, {y}; empty = markers on a plain background, e.g. on a network without internet access) and
# its attribution; an entry not confirmed by its organisation for this many days is stale.
ZAEDNO_MAP_TILES_URL = envstr("ZAEDNO_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png") or ""
ZAEDNO_MAP_TILES_ATTRIBUTION = (
    envstr(
        "ZAEDNO_MAP_TILES_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
    )
    or ""
)
ZAEDNO_RESOURCE_STALE_DAYS = envint("ZAEDNO_RESOURCE_STALE_DAYS", 180)
