"""H5P activities in the Wagtail admin, as snippets so session plan activities can choose
them."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import H5PActivity


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
    icon = "media"
    menu_label = _("H5P activities")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["title", "main_library", "uploaded_at"]
    search_fields = ["title"]


snippet_viewsets = [H5PActivityViewSet]
viewsets = []
