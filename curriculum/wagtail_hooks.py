from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from wagtail import hooks
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from worksheets.models import Worksheet

from .models import CaseScenario, ContentNote, PeerSupportValue
from .usage import in_use_by


class PeerSupportValueViewSet(SnippetViewSet):
    model = PeerSupportValue
    icon = "pick"
    menu_label = _lazy("Peer support values")
    list_display = ["name", "description"]
    sort_order_field = "sort_order"


class CaseScenarioViewSet(SnippetViewSet):
    model = CaseScenario
    icon = "user"
    menu_label = _lazy("Case scenarios")
    list_display = ["title", "summary"]
    list_filter = ["content_notes"]
    search_fields = ["title", "summary"]


class ContentNoteViewSet(SnippetViewSet):
    model = ContentNote
    icon = "warning"
    menu_label = _lazy("Content notes")
    list_display = ["name", "description"]


class CurriculumLibraryGroup(SnippetViewSetGroup):
    items = (PeerSupportValueViewSet, CaseScenarioViewSet, ContentNoteViewSet)
    menu_icon = "folder-open-inverse"
    menu_label = _lazy("Curriculum library")
    menu_order = 200


register_snippet(CurriculumLibraryGroup)

# Deleting a shared piece that a session plan still points at would leave a trainer with a
# gap in the room. These models are refused deletion while a page (published or draft) or,
# for content notes, a case scenario uses them.
GUARDED_MODELS = (CaseScenario, ContentNote, PeerSupportValue, Worksheet)


@hooks.register("before_delete_snippet")
def refuse_deleting_snippets_in_use(request, instances):
    for instance in instances:
        if not isinstance(instance, GUARDED_MODELS):
            continue
        users = in_use_by(instance)
        if not users:
            continue
        titles = ", ".join(f"“{name}”" for name in users[:5])
        messages.error(
            request,
            _(
                "“%(name)s” cannot be deleted because it is used by: %(pages)s. Remove it "
                "from those pages first, then delete it."
            )
            % {"name": instance, "pages": titles},
        )
        edit_url = AdminURLFinder(request.user).get_edit_url(instance)
        return redirect(edit_url or "wagtailadmin_home")
    return None
