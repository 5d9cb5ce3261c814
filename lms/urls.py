from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from . import page_translations, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language switcher posts to Django's set_language view.
    path("i18n/", include("django.conf.urls.i18n")),
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
