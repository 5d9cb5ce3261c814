"""Wagtail admin screens for delivery: organisations, cohorts, their trainers and targets.

Programme managers get the model permissions from ``training/migrations/0004``; what they
see is further limited here to the organisations they belong to. Every screen (list, edit,
delete, history, usage) reads through ``scope_queryset``, so another organisation's record
is a 404 whatever its id, and every form offers only the manager's own organisations,
cohorts and trainers. Superusers see everything.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from lms.roles import Role

from ..access import organisations_for
from ..models import Cohort, CohortTrainer, Organisation, TrainingTarget

User = get_user_model()


# --- views that read only what the person may see ------------------------------------------


class ScopedObjectMixin:
    """For views showing one object: fetch it from the scoped queryset (404 otherwise)."""

    scope = None  # set by the viewset: a function (queryset, user) -> queryset

    def scoped_objects(self):
        return self.scope(self.model._default_manager.all(), self.request.user)

    def get_base_object_queryset(self):
        # Used by history and usage views (BaseObjectMixin).
        return self.scoped_objects()


class ScopedIndexView(generic.IndexView):
    scope = None

    def get_base_queryset(self):
        return self.scope(super().get_base_queryset(), self.request.user)


class ScopedEditView(ScopedObjectMixin, generic.EditView):
    def get_queryset(self):
        # Django's SingleObjectMixin.get_object reads from here.
        return self.scoped_objects()


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    def get_queryset(self):
        return self.scoped_objects()


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class ScopedViewSet(ModelViewSet):
    """A ModelViewSet whose every view is limited by ``scope_queryset``."""

    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def scope_queryset(self, queryset, user):
        raise NotImplementedError

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(scope=self.scope_queryset, **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        # The add view shows no existing object and takes no scope.
        view_kwargs = super().get_add_view_kwargs(**kwargs)
        view_kwargs.pop("scope", None)
        return view_kwargs


# --- forms that offer only one's own organisations -----------------------------------------


class ScopedForm(WagtailAdminModelForm):
    """Limits each organisation, cohort and trainer choice to what ``for_user`` may use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None or user.is_superuser:
            return
        organisations = organisations_for(user)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = organisations
        if "cohort" in self.fields:
            self.fields["cohort"].queryset = Cohort.objects.filter(organisation__in=organisations)
        if "user" in self.fields:
            self.fields["user"].queryset = (
                User.objects.filter(organisations__in=organisations)
                .filter(groups__name=Role.TRAINER.value)
                .distinct()
            )


class CohortTrainerForm(ScopedForm):
    def clean(self):
        data = super().clean()
        cohort, user = data.get("cohort"), data.get("user")
        if cohort and user and not user.is_superuser:
            if not user.organisations.filter(pk=cohort.organisation_id).exists():
                raise ValidationError(
                    _("This trainer does not belong to the cohort's organisation.")
                )
        return data


class OrganisationForm(WagtailAdminModelForm):
    def save(self, commit=True):
        creating = self.instance.pk is None
        organisation = super().save(commit=commit)
        # A manager who adds an organisation belongs to it, or they could not see it again.
        if commit and creating and self.for_user and not self.for_user.is_superuser:
            organisation.members.add(self.for_user)
        return organisation


# --- viewsets ------------------------------------------------------------------------------


class OrganisationViewSet(ScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "city", "country"]
    search_fields = ["name", "city"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("slug"),
            FieldRowPanel([FieldPanel("city"), FieldPanel("country")]),
        ],
        base_form_class=OrganisationForm,
    )

    def scope_queryset(self, queryset, user):
        if user.is_superuser:
            return queryset
        return queryset.filter(pk__in=organisations_for(user).values("pk"))


class CohortViewSet(ScopedViewSet):
    model = Cohort
    icon = "calendar-alt"
    menu_label = _("Cohorts")
    list_display = ["name", "organisation", "programme", "starts_on", "capacity"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("programme"),
            FieldPanel("organisation"),
            FieldPanel("language"),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldPanel("capacity"),
            FieldPanel("profile"),
        ],
        base_form_class=ScopedForm,
    )

    def scope_queryset(self, queryset, user):
        if user.is_superuser:
            return queryset
        return queryset.filter(organisation__in=organisations_for(user)).select_related(
            "organisation", "programme"
        )


class CohortTrainerViewSet(ScopedViewSet):
    model = CohortTrainer
    icon = "user"
    menu_label = _("Cohort trainers")
    list_display = ["user", "cohort", "role"]
    edit_handler = ObjectList(
        [FieldPanel("cohort"), FieldPanel("user"), FieldPanel("role")],
        base_form_class=CohortTrainerForm,
    )

    def scope_queryset(self, queryset, user):
        queryset = queryset.select_related("user", "cohort")
        if user.is_superuser:
            return queryset
        return queryset.filter(cohort__organisation__in=organisations_for(user))


class TrainingTargetViewSet(ScopedViewSet):
    model = TrainingTarget
    icon = "pick"
    menu_label = _("Training targets")
    list_display = ["organisation", "programme", "trained", "due_by"]
    edit_handler = ObjectList(
        [
            FieldPanel("organisation"),
            FieldPanel("programme"),
            FieldRowPanel([FieldPanel("trained"), FieldPanel("due_by")]),
            FieldPanel("note"),
        ],
        base_form_class=ScopedForm,
    )

    def scope_queryset(self, queryset, user):
        queryset = queryset.select_related("organisation", "programme")
        if user.is_superuser:
            return queryset
        return queryset.filter(organisation__in=organisations_for(user))


class DeliveryViewSetGroup(ViewSetGroup):
    menu_label = _("Delivery")
    menu_icon = "group"
    menu_order = 300
    items = (
        OrganisationViewSet("organisations"),
        CohortViewSet("cohorts"),
        CohortTrainerViewSet("cohort_trainers"),
        TrainingTargetViewSet("training_targets"),
    )


viewsets = [DeliveryViewSetGroup()]
