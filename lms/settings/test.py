"""Settings for the test suite: fast hashing, in-memory cache, tasks run at once."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "certificates": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}
# Each test process has its own in-memory cache; the rate limit needs nothing shared here.
# Open Badges: the signing key is made on first use here (production never does).
OPEN_BADGES_CREATE_KEY = True
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.W001"]  # noqa: F405
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Tests serve static files through whitenoise from the app folders, as in production but
# without running collectstatic first.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# `manage.py load_demo` may run here (it refuses elsewhere unless forced).
LMS_DEMO_ALLOWED = True
# No persistent connections: a thread's open connection would keep PostgreSQL from dropping
# the test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
