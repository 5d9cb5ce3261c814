from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views import account as wagtail_account

from . import page_translations, password_reset, reauth, views
from .throttles import login_limited, password_reset_limited

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        login_limited(auth_views.LoginView.as_view(redirect_authenticated_user=True)),
        name="login",
    ),
    path("logout/", views.logout, name="logout"),
    path("confirm-password/", reauth.confirm_password, name="confirm_password"),
    *password_reset.urlpatterns,
    # The language switcher posts to Django's set_language view.
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own login and password reset, limited per address like the site's (the
    # same names, listed before the admin's, so these are the ones that answer).
    path(
        "admin/login/",
        login_limited(wagtail_account.LoginView.as_view()),
        name="wagtailadmin_login",
    ),
    path(
        "admin/password_reset/",
        password_reset_limited(wagtail_account.PasswordResetView.as_view()),
        name="wagtailadmin_password_reset",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("", include("worksheets.urls")),
    path("", include("training.urls")),
    path("", include("assessments.urls")),
    path("", include("certificates.urls")),
    path("", include("profiles.urls")),
    # Wagtail's own document URL would serve files to anyone; this one checks the login.
    re_path(r"^documents/(\d+)/(.*)$", views.serve_document, name="wagtaildocs_serve"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Session plans and programmes are Wagtail pages, served under /curriculum/, always through
# the library's tree and in the reader's language (lms/page_translations.py).
urlpatterns += [
    path(
        "curriculum/",
        include([re_path(wagtail_urls.serve_pattern, page_translations.serve)]),
    ),
    path("curriculum/", include(wagtail_urls)),
]
