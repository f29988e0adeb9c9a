"""Settings for the DVCTT learning platform.

Every value comes from the environment with a safe default, so `make run`
works on a fresh machine (SQLite + in-memory channel layer) and production
sets PostgreSQL, Redis, secrets and HTTPS through environment variables
(see docs/deployment.md).
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Use SECRET_KEY if given; otherwise generate one once into var/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Links that leave the screen (QR codes, login slips, certificates) start with
# PUBLIC_BASE_URL. Unset, they use the address each request came to
# (quizsite/public.py), so `PORT=8401 make run` links to :8401; a deployment
# should set it, since a request can arrive by an internal address.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
LOCAL_BASE_URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
if not DEBUG and not PUBLIC_BASE_URL:
    print(
        "WARNING: PUBLIC_BASE_URL is not set: QR codes, login slips and certificate links will use the address "
        "each request came to. Set it to the address students open (docs/deployment.md).",
        file=sys.stderr,
    )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "schools",
    "lessons",
    "contests",
    "online_contests",
    "coverage",
    "evidence",
    "certificates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "quizsite.request_memo.RequestMemoMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "quizsite.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "quizsite.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "schools.middleware.StudentSessionMiddleware",
    "schools.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "quizsite.urls"
ASGI_APPLICATION = "quizsite.asgi.application"
WSGI_APPLICATION = "quizsite.wsgi.application"

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
                "schools.context_processors.active_role_context",
            ],
        },
    },
]

# Database: SQLite under var/ by default (WAL + IMMEDIATE so writers queue
# instead of failing with "database is locked"); DATABASE_URL for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
    # Under ASGI (daphne) every request in flight runs its sync view in its own
    # thread, so a burst (a class logging in, a contest opening) would open one
    # connection each and exhaust PostgreSQL's max_connections. A pool caps
    # them per process; requests wait for a free connection instead of failing.
    # A sync gunicorn worker needs only one (DB_POOL_MAX_SIZE, docs/deployment.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
            "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "20")),
            "timeout": int(os.environ.get("DB_POOL_TIMEOUT", "30")),
        }
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # redis-py's 5 s default equals the layer's blocking wait
                        # and drops consumers; a large pool survives mass reconnects.
                        "socket_timeout": None,
                        "max_connections": 5000,
                    }
                ],
                "prefix": os.environ.get("CHANNEL_PREFIX", "quizsite"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "quizsite"),
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "schools.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2id with OWASP's minimum parameters (19 MiB, t=2, p=1): tens of ms per
# login instead of ~350 ms for PBKDF2 on a 2-core server. Slip passwords
# (random, temporary, changed at first login) use the fast slip hasher.
PASSWORD_HASHERS = [
    "schools.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "schools.hashers.SlipPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (shared cache, docs/security.md): strict per (account,
# address) pair, loose per account with a doubling delay instead of a lock,
# and per address only the failing browsers are slowed.
LOGIN_WINDOW_SECONDS = int(os.environ.get("LOGIN_WINDOW_SECONDS", "900"))
LOGIN_FAILURES_PER_PAIR = int(os.environ.get("LOGIN_FAILURES_PER_PAIR", "5"))
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "20"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "200"))
LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_MAX_DELAY_SECONDS", "900"))

# Questions to review (docs/item-review.md): flag an item once it has at least
# ITEM_REVIEW_MIN_ANSWERS answers and its share right is above the maximum or
# below the minimum, or its upper-lower 27% discrimination is below the minimum.
ITEM_REVIEW_MIN_ANSWERS = int(os.environ.get("ITEM_REVIEW_MIN_ANSWERS", "30"))
ITEM_REVIEW_FACILITY_MAX = float(os.environ.get("ITEM_REVIEW_FACILITY_MAX", "0.95"))
ITEM_REVIEW_FACILITY_MIN = float(os.environ.get("ITEM_REVIEW_FACILITY_MIN", "0.2"))
ITEM_REVIEW_DISCRIMINATION_MIN = float(os.environ.get("ITEM_REVIEW_DISCRIMINATION_MIN", "0.1"))
# "Báo lỗi câu hỏi": reports one user may send per hour.
QUESTION_REPORTS_PER_HOUR = int(os.environ.get("QUESTION_REPORTS_PER_HOUR", "10"))

# Students use shared lab PCs: their sessions end with the browser and after inactivity.
STUDENT_IDLE_SECONDS = int(os.environ.get("STUDENT_IDLE_SECONDS", "1800"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))

# Learning evidence: a group's entry/exit figures are shown from this many students with both checks.
EVIDENCE_MIN_GROUP = int(os.environ.get("EVIDENCE_MIN_GROUP", "10"))

LANGUAGE_CODE = "vi"
# Each language is named in itself, whatever the page's language (a reader looks for their own).
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
# Whole request bodies, refused with 413 before Django reads them (quizsite.body_limit):
# the largest upload (a 5 MB roster) with its multipart framing, or a signed roster preview.
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(8 * 1024 * 1024)))

# Security: with DEBUG off the HTTPS settings are on, unless HTTPS=0 is set
# explicitly for a school LAN without TLS (docs/deployment.md).
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' preload list binds the whole domain (often a
        # province's edu.vn domain) for years: its owner decides, not the app.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
else:
    # A school LAN without TLS: the deploy checks for HTTPS cannot pass there.
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
