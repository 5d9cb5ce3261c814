"""What the register of issued certificates lists, and how its readers narrow it down.

The page and its CSV/XLSX export start from ``register_queryset`` and apply the same
``RegisterFilter``, so a downloaded file holds exactly the rows the page showed. Every
choice offered (organisation, cohort, programme) is limited to the reader's own
organisations: a hand-typed id of another organisation's cohort is refused, never shown.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q
from django.db.models.fields.json import KT, KeyTransform
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from curriculum.models import ProgrammePage
from training.access import organisations_for
from training.models import Cohort

from .access import register_certificates
from .models import Certificate
from .models.issued import normalise_code

Status = Certificate.Status


def register_queryset(user):
    """The certificates this person may read in the register, with what a row shows.

    The programme title and the credits come out of the snapshot by JSON key, so a row never
    loads the whole snapshot (sessions, outcomes, template wording) nor the PDF bytes; the
    replacing certificate is read as its code alone for the same reason.
    """
    return (
        register_certificates(user)
        .select_related("organisation", "cohort", "issued_by")
        .defer("snapshot")
        .annotate(
            programme_name=KT("snapshot__programme__title"),
            credit_list=KeyTransform("credits", "snapshot"),
            replaced_by_code=F("superseded_by__code"),
        )
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class RegisterFilter(django_filters.FilterSet):
    """Narrow the register by organisation, cohort, programme, state, issue dates, and a
    name or code typed in the search box."""

    STATES = (
        ("valid", _("Valid")),
        ("expired", _("Expired")),
        ("revoked", _("Revoked")),
        ("superseded", _("Replaced by a newer certificate")),
    )

    q = django_filters.CharFilter(
        method="search", label=_("Name or code"), widget=forms.TextInput(attrs={"type": "search"})
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Organisation"), empty_label=_("All my organisations")
    )
    cohort = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Cohort"), empty_label=_("All cohorts")
    )
    programme = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Programme"), empty_label=_("All programmes")
    )
    state = django_filters.ChoiceFilter(
        choices=STATES, method="filter_state", label=_("State"), empty_label=_("Any state")
    )
    issued_from = django_filters.DateFilter(
        field_name="issued_at",
        lookup_expr="date__gte",
        label=_("Issued on or after"),
        widget=DateInput(),
    )
    issued_to = django_filters.DateFilter(
        field_name="issued_at",
        lookup_expr="date__lte",
        label=_("Issued on or before"),
        widget=DateInput(),
    )

    class Meta:
        model = Certificate
        fields = ["q", "organisation", "cohort", "programme", "state", "issued_from", "issued_to"]

    def __init__(self, data=None, queryset=None, *, request, **kwargs):
        super().__init__(data, queryset=queryset, request=request, **kwargs)
        organisations = organisations_for(request.user).order_by("name")
        cohorts = (
            Cohort.objects.filter(organisation__in=organisations)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        programmes = (
            ProgrammePage.objects.filter(
                pk__in=Cohort.objects.filter(organisation__in=organisations).values("programme")
            )
            .only("title")
            .order_by("title")
        )
        self.filters["organisation"].queryset = organisations
        self.filters["cohort"].queryset = cohorts
        self.filters["programme"].queryset = programmes
        # Two organisations may both have a "Spring" cohort: say whose it is.
        self.form.fields["cohort"].label_from_instance = lambda cohort: (
            f"{cohort.name} ({cohort.organisation.name})"
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        matches = (
            Q(holder_name__icontains=value)
            | Q(holder__first_name__icontains=value)
            | Q(holder__last_name__icontains=value)
            | Q(code__icontains=value.upper())
        )
        # A whole code typed from paper, with its usual slips (o for 0, no dashes).
        code = normalise_code(value)
        if code:
            matches |= Q(code=code)
        return queryset.filter(matches)

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "valid":
            return queryset.filter(status=Status.VALID).filter(
                Q(expires_on__isnull=True) | Q(expires_on__gte=today)
            )
        if value == "expired":
            return queryset.filter(status=Status.VALID, expires_on__lt=today)
        return queryset.filter(status=value)
