"""Curriculum packages in the Wagtail admin: "Export as package" on every programme, "Import
a package" in the menu and on the curriculum library, and both in a programme's history."""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import Button

from curriculum.models import CurriculumIndexPage, ProgrammePage

from . import views
from .access import can_export, can_import


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


class PackagesViewSet(ViewSet):
    name = "packages"
    icon = "download"
    menu_label = gettext_lazy("Import a package")
    # After the curriculum library (200) and adaptations (205).
    menu_order = 206
    add_to_admin_menu = True
    menu_item_class = ImportMenuItem

    def get_urlpatterns(self):
        return [
            path("import/", views.UploadView.as_view(), name="upload"),
            path("import/<str:token>/", views.PreviewView.as_view(), name="preview"),
            path("export/<int:page_id>/", views.ExportView.as_view(), name="export"),
        ]


@hooks.register("register_admin_viewset")
def register_packages():
    return PackagesViewSet()


def _export_button(page, priority):
    return Button(
        _("Export as package"),
        reverse("packages:export", args=[page.pk]),
        icon_name="download",
        priority=priority,
        attrs={"download": ""},
    )


@hooks.register("register_page_listing_more_buttons")
def export_in_listing(page, user, next_url=None):
    if page.specific_class is ProgrammePage and can_export(user, page):
        yield _export_button(page, priority=26)


@hooks.register("register_page_header_buttons")
def package_buttons_in_header(page, user, view_name, next_url=None):
    if page.specific_class is ProgrammePage and can_export(user, page):
        yield _export_button(page, priority=37)
    elif page.specific_class is CurriculumIndexPage and can_import(user, page):
        yield Button(
            _("Import a package"),
            f"{reverse('packages:upload')}?into={page.pk}",
            icon_name="upload",
            priority=37,
        )


@hooks.register("register_log_actions")
def register_package_actions(actions):
    actions.register_action(
        "packages.export", _("Export as package"), _("Exported as a curriculum package")
    )
    actions.register_action(
        "packages.import", _("Import from a package"), _("Imported from a curriculum package")
    )
