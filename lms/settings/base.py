"""Settings shared by every environment. Environment-specific files import from here."""

from pathlib import Path

import dj_database_url

from .env import env_str

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
    "wagtail.users",
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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files without a separate web server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A trainee who has not chosen a language sees their cohort's (lms/languages.py).
    "lms.languages.CohortLanguageMiddleware",
    # Titles of curriculum pages in that language, read once per request.
    "lms.page_translations.remember_titles",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
