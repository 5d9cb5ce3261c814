"""Quizzes in the Wagtail admin, as snippets so session plan activities can choose them."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Quiz


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["title", "pass_percent", "attempts_allowed"]
    search_fields = ["title"]


snippet_viewsets = [QuizViewSet]
viewsets = []
