"""Opening a paused account again, from the cohort page (rules in ``training.lockouts``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import lockouts
from ..access import cohort_for_staff
from ..models import Enrolment


@login_required
@require_POST
def unpause(request, cohort_id, enrolment_id):
    """For the staff who run the cohort: only trainees of this cohort can be opened here."""
    cohort = cohort_for_staff(request, cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee"), pk=enrolment_id, cohort=cohort
    )
    lockouts.account_unpause(user=enrolment.trainee)
    messages.success(
        request,
        _("%(name)s can log in again now.")
        % {"name": enrolment.trainee.get_full_name() or enrolment.trainee.username},
    )
    return redirect("training:cohort", cohort_id=cohort.pk)


urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/enrolments/<int:enrolment_id>/unpause/",
        unpause,
        name="unpause",
    ),
]
