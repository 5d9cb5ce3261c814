"""Adaptations in the Wagtail admin: a menu item, "Adapt this programme" on every programme,
and a notice on adapted pages and copied library items saying what changed in the original.
"""

from django.contrib.contenttypes.models import ContentType
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import Button

from curriculum.models import ProgrammePage, SessionPlanPage

from . import views
from .access import adaptations_for, can_adapt
from .changes import reviews_for
from .models import Adaptation, AdaptedSnippet
from .snapshots import SNIPPET_SPECS


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_adapt(request.user)


class AdaptationViewSet(ViewSet):
    name = "adaptations"
    icon = "copy"
    menu_label = gettext_lazy("Adaptations")
    # Next to the curriculum library (200).
    menu_order = 205
    add_to_admin_menu = True
    menu_item_class = EditorMenuItem

    def get_urlpatterns(self):
        return [
            path("", views.IndexView.as_view(), name="index"),
            path("new/", views.CreateView.as_view(), name="create"),
            path("<int:pk>/", views.ChangesView.as_view(), name="changes"),
            path("<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
        ]


@hooks.register("register_admin_viewset")
def register_adaptations():
    return AdaptationViewSet()


def _adapt_button(page, priority):
    return Button(
        _("Adapt this programme"),
        f"{reverse('adaptations:create')}?source={page.pk}",
        icon_name="copy",
        priority=priority,
    )


def _is_programme(page):
    # The listing hands over plain pages; the content type is cached, so this costs nothing.
    return page.specific_class is ProgrammePage


@hooks.register("register_page_listing_more_buttons")
def adapt_in_listing(page, user, next_url=None):
    if _is_programme(page) and page.live and can_adapt(user):
        yield _adapt_button(page, priority=25)


@hooks.register("register_page_header_buttons")
def adapt_in_header(page, user, view_name, next_url=None):
    if not _is_programme(page) or not can_adapt(user):
        return
    if page.live:
        yield _adapt_button(page, priority=35)
    adaptation = adaptations_for(user).filter(programme_id=page.pk).first()
    if adaptation is not None:
        yield Button(
            _("Changes in the original"),
            reverse("adaptations:changes", args=[adaptation.pk]),
            icon_name="history",
            priority=36,
        )


@hooks.register("before_edit_page")
def notice_changes_in_the_original(request, page):
    """On an adapted programme or session plan: how many changes the original has for it."""
    if request.method != "GET" or not can_adapt(request.user):
        return None
    adaptation = None
    if isinstance(page, ProgrammePage):
        adaptation = adaptations_for(request.user).filter(programme_id=page.pk).first()
    elif isinstance(page, SessionPlanPage):
        adaptation = adaptations_for(request.user).filter(sessions__copy_session=page).first()
    if adaptation is None:
        return None
    adaptation = Adaptation.objects.select_related("programme", "source").get(pk=adaptation.pk)
    review = reviews_for([adaptation])[adaptation.pk]
    count = review.count_for(page) if isinstance(page, SessionPlanPage) else review.pending_count
    if not count:
        return None
    text = (
        ngettext(
            "%(count)s change in the original of this session since you last looked.",
            "%(count)s changes in the original of this session since you last looked.",
            count,
        )
        if isinstance(page, SessionPlanPage)
        else ngettext(
            "%(count)s change in the original since you last looked.",
            "%(count)s changes in the original since you last looked.",
            count,
        )
    )
    messages.info(
        request,
        text % {"count": count},
        buttons=[
            messages.button(
                reverse("adaptations:changes", args=[adaptation.pk]), _("See the changes")
            )
        ],
    )
    return None


@hooks.register("before_edit_snippet")
def notice_copies(request, instance):
    """On a worksheet, case scenario or quiz: say whether it is an adaptation's own copy, or
    an original that adaptations have copies of, so nobody edits the wrong one."""
    if request.method != "GET" or type(instance)._meta.label_lower not in SNIPPET_SPECS:
        return None
    content_type = ContentType.objects.get_for_model(type(instance))
    rows = AdaptedSnippet.objects.filter(content_type=content_type).select_related(
        "adaptation__programme", "adaptation__organisation"
    )
    as_copy = rows.filter(copy_id=instance.pk).first()
    if as_copy is not None:
        messages.info(
            request,
            _(
                "This is the copy used by “%(programme)s” (%(organisation)s). Changing it "
                "changes only that adaptation. The original is “%(original)s”."
            )
            % {
                "programme": as_copy.adaptation,
                "organisation": as_copy.adaptation.organisation,
                "original": as_copy.source_title,
            },
        )
        return None
    copies = list(rows.filter(source_id=instance.pk)[:5])
    if copies:
        names = ", ".join(f"“{row.adaptation}” ({row.adaptation.organisation})" for row in copies)
        messages.info(
            request,
            _(
                "Adaptations have their own copies of this: %(names)s. Your changes here "
                "reach them as changes in the original, which their editors can take or "
                "ignore."
            )
            % {"names": names},
        )
    return None
