"""Settings shared by every environment. Environment-specific files import from here."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from .env import env_int, env_str

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

INSTALLED_APPS = [
    "lms",
    "curriculum",
    "worksheets",
    "assessments",
    "training",
    "certificates",
    "profiles",
    "adaptations",
    "packages",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    # Curriculum translations: Wagtail's locales, and "Translate" in the page editor.
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app, with user forms that never set a trainee's password.
    "training.admin.users_app.UsersAdminConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    # Counts failed logins and pauses an account after too many (see AXES_* below).
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy of every page (lms/security.py: the admin's is looser).
    "lms.security.ContentSecurityPolicyMiddleware",
    # Serves the collected static files without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # No copy of a logged-in page is kept; devices such as the microphone are off by default.
    "lms.security.PrivatePagesMiddleware",
    # A trainee who has not chosen a language sees their cohort's (lms/languages.py).
    "lms.languages.CohortLanguageMiddleware",
    # Titles of curriculum pages in that language, read once per request.
    "lms.page_translations.remember_titles",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logs out a login nobody has used for a while (lms/sessions.py); after the messages
    # middleware, so it can say why.
    "lms.sessions.IdleTimeoutMiddleware",
    # After a login card's code, nothing opens until a password or PIN is chosen.
    "training.sign_in.ChooseSecretMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a paused account's login into a plain page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"

# SQLite is the embedded default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes' backend comes first: it refuses a paused account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The one-time code of a login card, typed in the password box (training/sign_in.py).
    "training.sign_in.SignInCodeBackend",
]
# How many days the code of a printed login card works (training/people.py).
SIGN_IN_CODE_DAYS = env_int("SIGN_IN_CODE_DAYS", 7)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# How long a login lasts (lms/sessions.py): at most 12 hours, and it ends sooner when nobody
# uses it; staff pages open whole cohorts, so their idle limit is shorter.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_IDLE_MINUTES_TRAINEE = env_int("SESSION_IDLE_MINUTES_TRAINEE", 60)
SESSION_IDLE_MINUTES_STAFF = env_int("SESSION_IDLE_MINUTES_STAFF", 30)
# Staff type their password again before reading one person's evaluation answers, unless
# they did in the last REAUTH_MINUTES (lms/reauth.py).
REAUTH_MINUTES = env_int("REAUTH_MINUTES", 15)

# Failed logins (django-axes), counted per user name on every form that checks a password:
# the login page, the admin login, sign-in codes and the password check before evaluation
# answers. Counting per address would pause a whole community centre behind one router, so
# the address is limited separately and more loosely (LOGIN_RATE_PER_ADDRESS, lms/throttles.py).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that counting per user name alone lets an attacker rotate browsers to get
# around a per-address limit. Here the account count is the point (it cannot be rotated), and
# the per-address limit lives in lms/throttles.py instead, where a shared router is allowed for.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "lms.throttles.locked_out"
# Sign-in codes and passwords are never written to the attempt log.
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
# Any one address: at most this many login attempts, password resets and sign-in codes.
LOGIN_RATE_PER_ADDRESS = env_str("LOGIN_RATE_PER_ADDRESS", "60/10m")
PASSWORD_RESET_RATE_PER_ADDRESS = env_str("PASSWORD_RESET_RATE_PER_ADDRESS", "10/h")
PASSWORD_RESET_RATE_PER_EMAIL = env_str("PASSWORD_RESET_RATE_PER_EMAIL", "3/h")
# One account: at most this many links to confirm an email address (training/views/sign_in.py).
ACCOUNT_EMAIL_RATE_PER_USER = env_str("ACCOUNT_EMAIL_RATE_PER_USER", "5/h")

# Content-Security-Policy (django-csp, applied by lms/security.py): only the platform's own
# scripts run, and no page can be framed by another site. Style attributes are allowed (a few
# templates size bars with them); style elements and scripts must come from files. H5P
# content plays in a sandboxed frame with a policy of its own (assessments/views/h5p.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        # Recorded answers are played back from the page's memory before they are sent.
        "media-src": [SELF, "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("nl", "Nederlands"),
    ("fr", "Français"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A language picked on the switcher (Django's set_language view) is kept for a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = env_str("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"

MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
# Files that are personal data (issued certificates) live outside MEDIA_ROOT and are only
# ever served by views that check who is asking.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))

# H5P packages (assessments/h5p_package.py): refused above these limits.
H5P_MAX_UPLOAD_BYTES = int(env_str("H5P_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
H5P_MAX_UNPACKED_BYTES = int(env_str("H5P_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)))
H5P_MAX_FILES = int(env_str("H5P_MAX_FILES", "2000"))
# How many times bigger than its compressed size a file (or the whole package) may expand.
H5P_MAX_COMPRESSION_RATIO = int(env_str("H5P_MAX_COMPRESSION_RATIO", "100"))
# H5P content plays in a sandboxed frame (assessments/h5p_sandbox.py). Optionally serve that
# frame from a second host name of this site, e.g. https://h5p-content.example.org: add it to
# ALLOWED_HOSTS, and never let the login cookie reach it (leave SESSION_COOKIE_DOMAIN unset).
# Empty: the frame comes from the same host, its sandbox still gives it no origin.
H5P_CONTENT_ORIGIN = env_str("H5P_CONTENT_ORIGIN", "")

# Curriculum packages (packages/format.py): uploads refused above these limits.
CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES = int(
    env_str("CURRICULUM_PACKAGE_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024))
)
CURRICULUM_PACKAGE_MAX_UNPACKED_BYTES = int(
    env_str("CURRICULUM_PACKAGE_MAX_UNPACKED_BYTES", str(300 * 1024 * 1024))
)
CURRICULUM_PACKAGE_MAX_FILES = int(env_str("CURRICULUM_PACKAGE_MAX_FILES", "1000"))
CURRICULUM_PACKAGE_MAX_COMPRESSION_RATIO = int(
    env_str("CURRICULUM_PACKAGE_MAX_COMPRESSION_RATIO", "100")
)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Wagtail's page editor can exceed Django's default field count on long session plans.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "Peer Support Training"
# No avatars from gravatar.com: the admin would send a hash of every editor's email address
# to an outside host on each page (and the policy above would refuse the images anyway).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin's "forgot password" follows the site's rules on who may get a link
# (lms/password_reset.py): never to a trainee's address the trainee did not confirm.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "lms.password_reset.AdminResetForm"
# Curriculum content per language. Wagtail's own locales with
# wagtail.contrib.simple_translation rather than wagtail-localize: both support Wagtail 8 and
# Django 5.2 (wagtail-localize 1.14.5 declares Wagtail>=7.0, Django>=5.2), but here a
# translation is an ordinary page in the locale's tree, edited in the same editor as its
# original, with no extra models: the demo writes translations field by field, and copies
# and curriculum packages need nothing special. What wagtail-localize would add (segment
# by segment editing, PO files for translators, marking a translation out of date when the
# original changes, machine translation) can come later; it works on the same locales.
# Trees are not synchronised (no WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE): the site shows
# the original page wherever there is no translation (lms/page_translations.py).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Work that should not hold up a request (bulk certificates, report exports) runs through
# django-tasks. Environments choose the backend; the default runs tasks at once.
# Wagtail's own small tasks run at once; issuing a cohort's certificates runs in the
# database-backed worker (`manage.py db_worker --backend certificates`) so the page can
# show progress. `make demo` starts that worker beside the site.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "certificates": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Certificates: the public address printed in QR codes and badges, how often one visitor
# may look up certificates, and the key that signs Open Badges (see certificates/badges.py).
CERTIFICATES_BASE_URL = env_str("CERTIFICATES_BASE_URL", "http://localhost:8000")
CERTIFICATES_VERIFY_RATE = env_str("CERTIFICATES_VERIFY_RATE", "30/m")
OPEN_BADGES_KEY_FILE = env_str(
    "OPEN_BADGES_KEY_FILE", str(BASE_DIR / "private" / "badge-signing-key.pem")
)

# django-import-export: spreadsheet cells that start with =, +, - or @ are exported as text,
# so a name typed as a formula cannot run when a partner opens the export in Excel.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
