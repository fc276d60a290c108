"""Django settings, all read from the environment (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from loyaldesk.config import data_dir, env_flag, env_int, env_list, secret_key
from loyaldesk.desk.filetypes import DEFAULT_ATTACHMENT_TYPES, parse_type_patterns

DATA_DIR = data_dir()
SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_flag("LOYALDESK_DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "ninja",
    "anymail",
    "loyaldesk.core",
    "loyaldesk.accounts",
    "loyaldesk.customers",
    "loyaldesk.desk",
    "loyaldesk.channels",
    "loyaldesk.channels.portal",
    "loyaldesk.channels.phone",
    "loyaldesk.webhooks",
    "loyaldesk.surveys",
    "loyaldesk.service_levels",
    "loyaldesk.repairs",
    "loyaldesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loyaldesk.urls"
WSGI_APPLICATION = "loyaldesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

# SQLite in the data directory unless DATABASE_URL names another database.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'loyaldesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while the worker writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:case-list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("it", "Italiano")]
FORMAT_MODULE_PATH = ["loyaldesk.formats"]
USE_I18N = True
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
USE_TZ = True
TIME_ZONE = os.environ.get("LOYALDESK_TIME_ZONE", "UTC")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "files/"
MEDIA_ROOT = DATA_DIR / "files"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("LOYALDESK_MAX_UPLOAD_BYTES", 26_214_400)
# The content types an attachment may have, read from its bytes (`image/*` allows all images).
ATTACHMENT_TYPES = parse_type_patterns(
    env_list("LOYALDESK_ATTACHMENT_TYPES", DEFAULT_ATTACHMENT_TYPES)
)

# Outbound email: SMTP when EMAIL_HOST is set, otherwise .eml files in the data directory.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "outbox"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "support@localhost")
# Inbound email webhooks (django-anymail): ANYMAIL_WEBHOOK_SECRET, ANYMAIL_<ESP>_... settings.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value.strip()
}
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background jobs: Huey on SQLite in the data directory, on Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "loyaldesk",
    "immediate": env_flag("LOYALDESK_JOBS_IMMEDIATE"),
    "consumer": {"workers": env_int("LOYALDESK_WORKERS", 2), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "jobs.sqlite3")})
# The cache keeps rate-limit counts (portal sign-in links, the contact form): on Redis, every
# web process counts together; without it, each process counts alone.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "loyaldesk",
        }
    }

# HTTPS is assumed in production; the demo and local runs switch it off explicitly.
HTTPS = env_flag("LOYALDESK_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_flag("LOYALDESK_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("LOYALDESK_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_flag("LOYALDESK_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env_flag("LOYALDESK_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

CASE_REFERENCE_PREFIX = os.environ.get("LOYALDESK_CASE_PREFIX", "#")
AUTO_CLOSE_RESOLVED_AFTER_DAYS = env_int("LOYALDESK_AUTO_CLOSE_DAYS", 7)
CASE_POLL_SECONDS = env_int("LOYALDESK_CASE_POLL_SECONDS", 10)
COMPANY_NAME = os.environ.get("LOYALDESK_COMPANY_NAME", "loyaldesk")
# Where customers reach the desk: the start of the links in survey emails.
PUBLIC_URL = os.environ.get("LOYALDESK_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
RECOVERY_DUE_HOURS = env_int("LOYALDESK_RECOVERY_DUE_HOURS", 48)
# A new case on the same topic within this many days of the last one's resolution repeats it.
REPEAT_CONTACT_DAYS = env_int("LOYALDESK_REPEAT_CONTACT_DAYS", 7)
# One sender's emails that open cases or add messages in an hour before more are kept aside.
MAIL_STORM_LIMIT = env_int("LOYALDESK_MAIL_STORM_LIMIT", 30)
# How often `fetchmail --watch` fetches a mailbox whose server does not offer IMAP IDLE.
MAIL_POLL_SECONDS = max(1, env_int("LOYALDESK_MAIL_POLL_SECONDS", 60))
# A unit back for repair within this many days of its last repair's return is a repeat repair.
REPAIR_REPEAT_DAYS = env_int("LOYALDESK_REPAIR_REPEAT_DAYS", 90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOYALDESK_LOG_LEVEL", "INFO")},
    # Given a handler here, the worker (run_huey) does not add its own: each line once.
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}
