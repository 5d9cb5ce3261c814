"""The questionnaire builder and evaluation schedules in the Wagtail admin.

Evaluation leads (migration 0002 gave them the permissions) build questionnaires and decide
when each programme's trainees take them. Two rules are enforced here, in the form, because
the admin is the only place wording can change:

- Locked wording. Once an instrument is saved with "wording locked" (licensed and validated
  scales, and every built-in one), its items cannot be reworded, recoded, reordered,
  reversed, regrouped, added or removed, and its answer scale cannot change. The same holds
  for any instrument that has answers, locked or not: changing the questions under existing
  answers would make before and after incomparable. Built-in instruments cannot be unlocked
  or deleted; an answered one cannot be unlocked.
- Organisation scope. An instrument "only for this organisation" (one it holds a licence
  for) is listed and editable only by that organisation's people (and superusers).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from training.models import Organisation

from ..models import EvaluationResponse, EvaluationSchedule, Instrument, InstrumentItem

SCALE_FIELDS = ("scale_min", "scale_max", "scale_min_label", "scale_max_label", "scoring")
ITEM_FIELDS = ("code", "text", "subscale", "reversed")


def visible_instruments(user):
    """Shared instruments, plus those of the organisations this person belongs to."""
    instruments = Instrument.objects.all()
    if user.is_superuser:
        return instruments
    return instruments.filter(
        Q(organisation__isnull=True) | Q(organisation__members=user)
    ).distinct()


def user_organisations(user):
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(members=user)


class InstrumentForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "organisation" in self.fields and user is not None:
            self.fields["organisation"].queryset = user_organisations(user)
        if self.instance.pk and self.instance.built_in and "wording_locked" in self.fields:
            self.fields["wording_locked"].disabled = True
            self.fields["wording_locked"].help_text = _(
                "This questionnaire comes with the platform: its wording cannot change."
            )

    def is_valid(self):
        valid = super().is_valid()
        if not valid:
            return False
        for problem in self.wording_problems():
            self.add_error(None, problem)
        return not self.errors

    def submitted_items(self):
        """(code, text, subscale, reversed) of the items as submitted, in their new order,
        leaving out deleted ones and empty extra forms."""
        formset = self.formsets["items"]
        if formset.can_order:
            forms = formset.ordered_forms
        else:
            deleted = set(formset.deleted_forms) if formset.can_delete else set()
            forms = [
                form
                for form in formset.forms
                if form not in deleted and (form.instance.pk or form.has_changed())
            ]
        return [
            tuple(
                form.cleaned_data.get(name, "" if name != "reversed" else False)
                for name in ITEM_FIELDS
            )
            for form in forms
        ]

    def wording_problems(self):
        if not self.instance.pk:
            return []
        saved = Instrument.objects.filter(pk=self.instance.pk).first()
        if saved is None:
            return []
        answered = EvaluationResponse.objects.filter(instrument_id=saved.pk).exists()
        problems = []
        unlocking = saved.wording_locked and not self.cleaned_data.get("wording_locked", True)
        if unlocking and (saved.built_in or answered):
            problems.append(
                _(
                    "The wording cannot be unlocked: this questionnaire comes with the platform "
                    "or people have answered it."
                )
            )
        if not (saved.wording_locked or saved.built_in or answered):
            return problems
        reason = (
            _("the wording is locked")
            if saved.wording_locked or saved.built_in
            else _("people have answered it")
        )
        if any(
            name in self.cleaned_data and self.cleaned_data[name] != getattr(saved, name)
            for name in SCALE_FIELDS
        ):
            problems.append(
                _("The answer scale of this questionnaire cannot change: %(reason)s.")
                % {"reason": reason}
            )
        before = [
            tuple(row)
            for row in InstrumentItem.objects.filter(instrument_id=saved.pk)
            .order_by("sort_order", "pk")
            .values_list(*ITEM_FIELDS)
        ]
        if self.submitted_items() != before:
            problems.append(
                _(
                    "The questions of this questionnaire cannot be changed, reordered, added or "
                    "removed: %(reason)s. To ask something different, make a new questionnaire."
                )
                % {"reason": reason}
            )
        return problems


class ScopedObjectMixin:
    """Views of one instrument: 404 for an instrument of another organisation."""

    def get_object(self, queryset=None):
        instrument = super().get_object(queryset)
        if not visible_instruments(self.request.user).filter(pk=instrument.pk).exists():
            raise Http404
        return instrument


class InstrumentEditView(ScopedObjectMixin, snippet_views.EditView):
    pass


class InstrumentDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    def get_object(self, queryset=None):
        instrument = super().get_object(queryset)
        if instrument.built_in:
            raise PermissionDenied
        return instrument


class InstrumentCopyView(ScopedObjectMixin, snippet_views.CopyView):
    pass


class InstrumentHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    pass


class InstrumentUsageView(ScopedObjectMixin, snippet_views.UsageView):
    pass


class InstrumentViewSet(SnippetViewSet):
    model = Instrument
    icon = "list-ol"
    menu_label = gettext_lazy("Questionnaires")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "short_name", "organisation", "wording_locked", "built_in"]
    search_fields = ["name", "short_name"]
    edit_view_class = InstrumentEditView
    delete_view_class = InstrumentDeleteView
    copy_view_class = InstrumentCopyView
    history_view_class = InstrumentHistoryView
    usage_view_class = InstrumentUsageView
    edit_handler = ObjectList(Instrument.panels, base_form_class=InstrumentForm)

    def get_queryset(self, request):
        return visible_instruments(request.user)


class ScheduleForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        if "instrument" in self.fields:
            self.fields["instrument"].queryset = visible_instruments(user)
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = user_organisations(user)

    def clean(self):
        cleaned = super().clean()
        instrument, organisation = cleaned.get("instrument"), cleaned.get("organisation")
        if instrument is not None and instrument.organisation_id is not None:
            # A licence holds for one organisation: its questionnaire is not asked elsewhere.
            if organisation is None or organisation.pk != instrument.organisation_id:
                self.add_error(
                    "organisation",
                    _("This questionnaire is only for %(name)s: choose that organisation.")
                    % {"name": instrument.organisation},
                )
        if not (cleaned.get("at_enrolment") or cleaned.get("at_completion")) and not cleaned.get(
            "follow_up_months"
        ):
            self.add_error(None, _("Choose at least one time to ask the questionnaire."))
        return cleaned


def visible_schedules(user):
    schedules = EvaluationSchedule.objects.select_related("programme", "instrument", "organisation")
    if user.is_superuser:
        return schedules
    return (
        schedules.filter(Q(organisation__isnull=True) | Q(organisation__members=user))
        .filter(
            Q(instrument__organisation__isnull=True) | Q(instrument__organisation__members=user)
        )
        .distinct()
    )


class ScheduleScopedMixin:
    def get_object(self, queryset=None):
        schedule = super().get_object(queryset)
        if not visible_schedules(self.request.user).filter(pk=schedule.pk).exists():
            raise Http404
        return schedule


class EvaluationScheduleViewSet(ModelViewSet):
    model = EvaluationSchedule
    name = "evaluation_schedules"
    icon = "date"
    menu_label = gettext_lazy("Evaluation schedules")
    menu_order = 251
    add_to_admin_menu = True
    list_display = ["instrument", "programme", "organisation", "follow_up_months"]
    edit_handler = ObjectList(
        [
            FieldPanel("programme"),
            FieldPanel("instrument"),
            FieldPanel("organisation"),
            FieldPanel("at_enrolment"),
            FieldPanel("at_completion"),
            FieldPanel("follow_up_months"),
            FieldPanel("reminder_days"),
            FieldPanel("max_reminders"),
        ],
        base_form_class=ScheduleForm,
    )

    @property
    def index_view_class(self):
        from wagtail.admin.views import generic

        def get_base_queryset(view):
            return visible_schedules(view.request.user)

        return type(
            "ScheduleIndexView", (generic.IndexView,), {"get_base_queryset": get_base_queryset}
        )

    @property
    def edit_view_class(self):
        from wagtail.admin.views import generic

        return type("ScheduleEditView", (ScheduleScopedMixin, generic.EditView), {})

    @property
    def delete_view_class(self):
        from wagtail.admin.views import generic

        return type("ScheduleDeleteView", (ScheduleScopedMixin, generic.DeleteView), {})


snippet_viewsets = [InstrumentViewSet]
viewsets = [EvaluationScheduleViewSet()]
