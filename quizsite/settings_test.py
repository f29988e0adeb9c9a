"""Settings for the test suite: the real settings plus a fast hasher and test databases.

PostgreSQL when TEST_DATABASE_URL is set (CI), a SQLite file otherwise (a file,
not :memory:, so a daphne process started by a test sees the same data).
"""

import os

import dj_database_url

from quizsite.settings import *  # noqa: F403
from quizsite.settings import VAR_DIR

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "schools.hashers.SlipPasswordHasher",
    "schools.hashers.OwaspArgon2PasswordHasher",
]

_test_url = os.environ.get("TEST_DATABASE_URL")
if _test_url:
    DATABASES = {"default": dj_database_url.parse(_test_url, conn_max_age=0)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "test-run.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
            "TEST": {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
CHANNEL_PREFIX = "test"
if os.environ.get("REDIS_URL"):
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
