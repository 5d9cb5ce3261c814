"""Admin screens: the list of adaptations, "Adapt this programme", and the changes in the
original with a decision for each."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from curriculum.models import ProgrammePage

from .access import adaptation_for_editor, adaptations_for, can_adapt
from .changes import SESSION_REMOVED, reviews_for
from .forms import AdaptForm
from .services import (
    ACTIONS,
    TAKE,
    AdaptationError,
    adaptation_create,
    changes_decide,
)

PER_PAGE = 20


class EditorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_adapt(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _crumbs(*items):
    return [
        {"url": reverse("wagtailadmin_home"), "label": _("Home")},
        {"url": reverse("adaptations:index"), "label": _("Adaptations")},
        *items,
    ]


class IndexView(EditorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "adaptations/index.html"
    page_title = gettext_lazy("Adaptations")
    header_icon = "copy"

    def get_breadcrumbs_items(self):
        return _crumbs()[:-1] + [{"url": "", "label": _("Adaptations")}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adaptations = adaptations_for(self.request.user).select_related(
            "programme", "source", "organisation"
        )
        page = Paginator(adaptations, PER_PAGE).get_page(self.request.GET.get("p"))
        reviews = reviews_for(page.object_list)
        for adaptation in page.object_list:
            adaptation.review = reviews[adaptation.pk]
        context.update(page_obj=page, adaptations=page.object_list)
        return context


class CreateView(EditorOnlyMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "adaptations/create.html"
    form_class = AdaptForm
    page_title = gettext_lazy("Adapt a programme")
    header_icon = "copy"

    def get_breadcrumbs_items(self):
        return _crumbs({"url": "", "label": _("Adapt a programme")})

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        if not hasattr(self, "_initial"):
            initial = super().get_initial()
            source_id = self.request.GET.get("source")
            if source_id and source_id.isdigit():
                source = ProgrammePage.objects.live().filter(pk=source_id).first()
                if source is not None:
                    initial["source"] = source
            organisations = list(self.request.user.organisations.all()[:2])
            if len(organisations) == 1:
                initial["organisation"] = organisations[0]
            self._initial = initial
        return self._initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        source = self.get_initial().get("source")
        if source is not None:
            # A hint, not a value: a title left as "…" would go unnoticed.
            form.fields["title"].widget.attrs["placeholder"] = _("%(title)s: for …") % {
                "title": source.title
            }
        return form

    def form_valid(self, form):
        data = form.cleaned_data
        source, user = data["source"], self.request.user
        permissions = source.get_parent().permissions_for_user(user)
        if not permissions.can_add_subpage() or (
            data["publish"] and not permissions.can_publish_subpage()
        ):
            form.add_error(None, _("You may not add or publish programmes in this library."))
            return self.form_invalid(form)
        try:
            adaptation = adaptation_create(
                source=source,
                title=data["title"],
                slug=data["slug"],
                target_group=data["target_group"],
                organisation=data["organisation"],
                profile=data.get("profile"),
                publish=data["publish"],
                user=user,
            )
        except AdaptationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        count = adaptation.sessions.count()
        state = _("published") if data["publish"] else _("a draft")
        messages.success(
            self.request,
            ngettext(
                "“%(title)s” is made, with %(count)s session plan. It is %(state)s.",
                "“%(title)s” is made, with %(count)s session plans. It is %(state)s.",
                count,
            )
            % {"title": adaptation.programme.title, "count": count, "state": state},
            buttons=[
                messages.button(
                    reverse("wagtailadmin_explore", args=[adaptation.programme.pk]),
                    _("Open its session plans"),
                )
            ],
        )
        return HttpResponseRedirect(reverse("adaptations:changes", args=[adaptation.pk]))


class ChangesView(EditorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """The adaptation's lineage and the changes in the original, one card per change."""

    template_name = "adaptations/changes.html"
    header_icon = "copy"

    def dispatch(self, request, *args, **kwargs):
        self.adaptation = adaptation_for_editor(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Changes in the original")

    def get_page_subtitle(self):
        return str(self.adaptation)

    def get_breadcrumbs_items(self):
        return _crumbs({"url": "", "label": str(self.adaptation)})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        adaptation = self.adaptation
        review = reviews_for([adaptation])[adaptation.pk]
        # Unpublishing a session the original dropped is never done in bulk: a cohort may
        # be using it, so it waits for its own button.
        free = [
            change
            for change in review.changes
            if not change.conflict and change.kind != SESSION_REMOVED
        ]
        context.update(
            adaptation=adaptation,
            review=review,
            free_changes=free,
            decisions=list(adaptation.decisions.select_related("decided_by")[:10]),
            copies=_copies(review),
            decide_url=reverse("adaptations:decide", args=[adaptation.pk]),
        )
        return context


def _copies(review):
    """The adaptation's session plans and library items, each with its edit link."""
    pages, items = [], []
    for unit in review.units:
        if unit.kind in ("programme", "session") and unit.copy is not None:
            pages.append((unit, reverse("wagtailadmin_pages:edit", args=[unit.copy.pk])))
        elif unit.kind == "snippet":
            viewset = getattr(type(unit.copy), "snippet_viewset", None)
            url = (
                reverse(viewset.get_url_name("edit"), args=[quote(unit.copy.pk)]) if viewset else ""
            )
            items.append((unit, url))
    return {"pages": pages, "items": items}


class DecideView(EditorOnlyMixin, View):
    """Take or set aside one change, or take every change that does not conflict."""

    http_method_names = ["post"]

    def post(self, request, pk):
        adaptation = adaptation_for_editor(request.user, pk)
        action = request.POST.get("action")
        refs = request.POST.getlist("ref")
        back = reverse("adaptations:changes", args=[adaptation.pk])
        if action not in ACTIONS or not refs:
            messages.error(request, _("Nothing was chosen. Pick a button next to a change."))
            return HttpResponseRedirect(back)
        outcome = changes_decide(
            adaptation=adaptation, decisions=[(ref, action) for ref in refs], user=request.user
        )
        self.report(request, outcome, action)
        return HttpResponseRedirect(back)

    def report(self, request, outcome, action):
        if outcome.taken:
            messages.success(
                request,
                ngettext(
                    "%(count)s change is in a draft of your version. Publish it when it is ready.",
                    "%(count)s changes are in drafts of your version. Publish them when they "
                    "are ready.",
                    outcome.taken,
                )
                % {"count": outcome.taken},
                buttons=[
                    messages.button(
                        reverse("wagtailadmin_pages:edit", args=[page.pk]),
                        _("Open “%(title)s”") % {"title": page.title},
                    )
                    for page in _unique(outcome.drafts)[:3]
                ],
            )
        if outcome.ignored:
            messages.success(
                request,
                ngettext(
                    "%(count)s change set aside. It comes back only if the original changes it "
                    "again.",
                    "%(count)s changes set aside. They come back only if the original changes "
                    "them again.",
                    outcome.ignored,
                )
                % {"count": outcome.ignored},
            )
        if outcome.stale:
            messages.warning(
                request,
                _(
                    "Something changed since you opened this page, so nothing was done with "
                    "one or more changes. Read them again below."
                ),
            )
        if outcome.conflicts_left and action == TAKE:
            messages.warning(
                request,
                ngettext(
                    "%(count)s change was left for you: you changed the same text. Choose "
                    "which version to keep.",
                    "%(count)s changes were left for you: you changed the same texts. Choose "
                    "which version to keep.",
                    outcome.conflicts_left,
                )
                % {"count": outcome.conflicts_left},
            )
        for refusal in outcome.refused:
            messages.error(request, refusal)


def _unique(pages):
    seen, found = set(), []
    for page in pages:
        if page.pk not in seen:
            seen.add(page.pk)
            found.append(page)
    return found
