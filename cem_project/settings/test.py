import os

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR, env

# ------------------------------------------------------------------ speed
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# ------------------------------------------------------------------ email, celery
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
SITE_URL = "http://testserver"

# ------------------------------------------------------------------ database
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a real Celery worker (tests/integration) can open the test
    # database: the test passes its path to the worker as DATABASE_URL. One file per pytest
    # process, so test runs side by side never share one; tests/conftest.py deletes it.
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

# ------------------------------------------------------------------ static files
# Serve from the finders, as in development: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True

# ------------------------------------------------------------------ cache
# One process (and the live server's threads) per test run: local memory is shared enough, and
# tests/conftest.py clears it around every test. The integration tests that run gunicorn or a
# worker set CACHE_URL to Redis or the database for those processes.
if not env("CACHE_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
