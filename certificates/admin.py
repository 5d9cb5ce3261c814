"""Credits in the Wagtail admin: frameworks and what programmes are worth in them.

Built-in frameworks (ECTS, RQF, SCQF, EQF) come from a migration and are set by the bodies
that own them, so nobody edits or deletes them here: the permission policy hides the
buttons and the views refuse the URLs. A framework that mappings use cannot be deleted
either (the foreign key protects it); the delete page says so instead of failing.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from curriculum.models import ProgrammeLearningOutcome, SessionLearningOutcome

from .credits import mapping_credits
from .models import CreditFramework, CreditMapping


class FrameworkPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that built-in frameworks can be read only."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete") and instance.built_in:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


def _refuse_built_in(view):
    messages.error(
        view.request,
        _(
            "%(name)s is built in: its figures come from the body that owns it, so it "
            "cannot be changed or deleted here. Add a framework of your own instead."
        )
        % {"name": view.object.name},
    )
    return HttpResponseRedirect(reverse(view.index_url_name))


class FrameworkIndexView(IndexView):
    # Built-in frameworks link to their read-only page instead of the edit form.
    def get_edit_url(self, instance):
        if instance.built_in:
            return None
        return super().get_edit_url(instance)

    def get_delete_url(self, instance):
        if instance.built_in:
            return None
        return super().get_delete_url(instance)


class FrameworkEditView(EditView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.built_in:
            return _refuse_built_in(self)
        return super().dispatch(request, *args, **kwargs)


class FrameworkDeleteView(DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.built_in:
            return _refuse_built_in(self)
        return super().dispatch(request, *args, **kwargs)

    def in_use_message(self):
        return _(
            "%(name)s cannot be deleted: %(count)s credit mapping(s) use it. Delete or "
            "move those mappings first."
        ) % {"name": self.object.name, "count": self.object.mappings.count()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.mappings.exists():
            context["in_use_message"] = self.in_use_message()
        return context

    def form_valid(self, form):
        # Checked first, so the editor reads why rather than Wagtail's generic refusal.
        if self.object.mappings.exists():
            messages.error(self.request, self.in_use_message())
            return HttpResponseRedirect(reverse(self.index_url_name))
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.in_use_message())
            return HttpResponseRedirect(reverse(self.index_url_name))


class FrameworkViewSet(SnippetViewSet):
    model = CreditFramework
    icon = "list-ul"
    menu_label = gettext_lazy("Frameworks")
    index_view_class = FrameworkIndexView
    edit_view_class = FrameworkEditView
    inspect_view_enabled = True
    delete_template_name = "certificates/admin/confirm_delete_framework.html"
    delete_view_class = FrameworkDeleteView
    copy_view_enabled = False
    list_display = [
        "name",
        "short_name",
        Column("hours_per_credit_max", label=gettext_lazy("Hours per credit, up to")),
        Column("built_in", label=gettext_lazy("Built in")),
    ]
    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("hours_per_credit_min"), FieldPanel("hours_per_credit_max")]),
        FieldPanel("credit_name"),
        FieldPanel("levels"),
        FieldPanel("url"),
    ]


class MappingForm(WagtailAdminModelForm):
    """Runs the model's checks (shown on their fields) and checks that the outcomes
    ticked belong to the programme or session plan chosen."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Outcomes of every programme share one list: name the page so editors can tell.
        for name, model in (
            ("programme_outcomes", ProgrammeLearningOutcome),
            ("session_outcomes", SessionLearningOutcome),
        ):
            if name in self.fields:
                self.fields[name].queryset = model.objects.select_related("page").order_by(
                    "page__path", "sort_order"
                )
                self.fields[name].label_from_instance = lambda o: f"{o.page.title}: {o.text}"

    def clean(self):
        cleaned = super().clean()
        programme = cleaned.get("programme")
        session = cleaned.get("session_plan")
        if programme is None and session is not None:
            programme = session.get_parent().specific
        if programme is not None:
            wrong = [
                o for o in cleaned.get("programme_outcomes") or [] if o.page_id != programme.pk
            ]
            if wrong:
                self.add_error(
                    "programme_outcomes",
                    ValidationError(
                        _("Choose outcomes of %(title)s only.") % {"title": programme.title}
                    ),
                )
            allowed = {session.pk} if session is not None else None
            wrong = [
                o
                for o in cleaned.get("session_outcomes") or []
                if (allowed is not None and o.page_id not in allowed)
                or (allowed is None and not o.page.path.startswith(programme.path))
            ]
            if wrong:
                self.add_error(
                    "session_outcomes",
                    ValidationError(
                        _(
                            "Choose outcomes of the chosen session plan, or of this "
                            "programme's sessions."
                        )
                    ),
                )
        return cleaned


def target(mapping):
    return mapping.programme or mapping.session_plan


class MappingViewSet(SnippetViewSet):
    model = CreditMapping
    icon = "doc-full"
    menu_label = gettext_lazy("Credit mappings")
    copy_view_enabled = False
    list_display = [
        Column("target", label=gettext_lazy("Programme or session plan"), accessor=target),
        "framework",
        "basis",
        Column("credits", label=gettext_lazy("Credits"), accessor=mapping_credits),
        "level",
        "updated_at",
    ]
    list_filter = ["framework", "basis"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("programme"), FieldPanel("session_plan")],
                heading=gettext_lazy("What is worth the credits: a programme or one session plan"),
            ),
            FieldPanel("framework"),
            FieldRowPanel(
                [
                    FieldPanel("contact_hours"),
                    FieldPanel("self_study_hours"),
                    FieldPanel("placement_hours"),
                ],
                heading=gettext_lazy("Hours"),
            ),
            FieldRowPanel([FieldPanel("level"), FieldPanel("credits")]),
            FieldPanel("programme_outcomes"),
            FieldPanel("session_outcomes"),
            MultiFieldPanel(
                [
                    FieldPanel("basis"),
                    FieldPanel("recognised_by"),
                    FieldPanel("agreement_reference"),
                    FieldPanel("agreed_on"),
                    FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_until")]),
                ],
                heading=gettext_lazy("Basis"),
            ),
            FieldPanel("note"),
        ],
        base_form_class=MappingForm,
    )

    def get_queryset(self, request):
        return CreditMapping.objects.select_related("framework", "programme", "session_plan")


class CreditsGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("Credits")
    menu_icon = "pick"
    menu_order = 260
    items = (FrameworkViewSet, MappingViewSet)
