"""Settings for a developer's machine and for `make demo`: never for a public server."""

from .base import *  # noqa: F403
from .env import env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-9f3b1c7e2a")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo serves static files from the app folders without collectstatic.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Whitenoise serves straight from the app folders; nothing is collected on a developer's machine.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# `manage.py load_demo` may run here (it refuses elsewhere unless forced).
LMS_DEMO_ALLOWED = True
# One runserver process: its in-memory cache is enough for the verification rate limit.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.W001"]  # noqa: F405
