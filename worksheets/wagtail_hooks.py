from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Worksheet


class WorksheetViewSet(SnippetViewSet):
    model = Worksheet
    icon = "form"
    menu_label = _("Worksheets")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["title", "reference"]
    search_fields = ["title"]


register_snippet(WorksheetViewSet)
