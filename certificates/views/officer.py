"""The certifying officer's pages: which cohorts have trainees ready, the review of one
cohort, issuing one certificate or a whole cohort in the background, following a bulk run,
and revoking or re-issuing one certificate.

Nothing is issued automatically: every certificate comes from an officer pressing a button
on these pages, and the officer is recorded as the person who signed it off.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import Cohort, Enrolment

from .. import issuing, tasks
from ..access import can_issue, certificate_for, is_officer, issuing_cohorts
from ..forms import IssueCohortForm, IssueOneForm, ReasonForm, ReissueForm
from ..models import Certificate, IssueRun


def _officer_only(request):
    if not is_officer(request.user):
        raise PermissionDenied


def _cohort(request, cohort_id):
    cohort = get_object_or_404(
        Cohort.objects.select_related("programme", "organisation"), pk=cohort_id
    )
    if not can_issue(request.user, cohort):
        raise PermissionDenied
    return cohort


def officer_cohorts(user, limit=None):
    """The officer's cohorts with how many trainees completed and how many certificates
    are valid, busiest first. Two aggregate counts in one query."""
    cohorts = (
        issuing_cohorts(user)
        .select_related("programme", "organisation")
        .annotate(
            completed=Count(
                "enrolments",
                filter=Q(enrolments__status=Enrolment.Status.COMPLETED),
                distinct=True,
            ),
            issued=Count(
                "certificates",
                filter=Q(certificates__status=Certificate.Status.VALID),
                distinct=True,
            ),
        )
        .order_by("-ends_on", "-starts_on", "name")
    )
    cohorts = list(cohorts[:limit] if limit else cohorts)
    for cohort in cohorts:
        cohort.waiting = max(cohort.completed - cohort.issued, 0)
    return cohorts


def officer_home_context(user):
    return {"officer_cohorts": officer_cohorts(user, limit=30)}


@login_required
def cohorts(request):
    _officer_only(request)
    return render(
        request, "certificates/officer/cohorts.html", {"cohorts": officer_cohorts(request.user)}
    )


def _review_rows(cohort):
    rows = issuing.cohort_eligibility(cohort)
    for row in rows:
        row.name = issuing.person_name(row.enrolment.trainee)
    return rows


@login_required
def cohort(request, cohort_id):
    """The review: every trainee of the cohort, whether they are ready, and the button."""
    cohort = _cohort(request, cohort_id)
    rows = _review_rows(cohort)
    ready = [row for row in rows if row.is_eligible]
    form = IssueCohortForm(
        request.POST or None,
        choices=[(row.enrolment.pk, row.name) for row in ready],
        initial={"enrolments": [row.enrolment.pk for row in ready]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = tasks.start_issue_run(cohort, request.user, form.cleaned_data["enrolments"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("certificates:run", run.pk)
    runs = IssueRun.objects.filter(cohort=cohort).select_related("requested_by")[:5]
    return render(
        request,
        "certificates/officer/cohort.html",
        {"cohort": cohort, "rows": rows, "ready": ready, "form": form, "runs": runs},
    )


@login_required
def issue_one(request, cohort_id, enrolment_id):
    cohort = _cohort(request, cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee", "cohort__programme", "cohort__organisation"),
        pk=enrolment_id,
        cohort=cohort,
    )
    form = IssueOneForm(
        request.POST or None, initial={"holder_name": issuing.person_name(enrolment.trainee)}
    )
    (state,) = issuing.eligibility([enrolment])
    if request.method == "POST" and form.is_valid():
        try:
            certificate = issuing.issue(
                enrolment, request.user, holder_name=form.cleaned_data["holder_name"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("certificates:cohort", cohort.pk)
        messages.success(
            request,
            _("Certificate %(code)s issued to %(name)s.")
            % {"code": certificate.code, "name": certificate.holder_name},
        )
        return redirect("certificates:cohort", cohort.pk)
    return render(
        request,
        "certificates/officer/issue_one.html",
        {"cohort": cohort, "enrolment": enrolment, "state": state, "form": form},
    )


def _run(request, run_id):
    run = get_object_or_404(
        IssueRun.objects.select_related("cohort__organisation", "cohort__programme"), pk=run_id
    )
    if not can_issue(request.user, run.cohort):
        raise PermissionDenied
    return run


def _run_status(run):
    return {
        "status": run.status,
        "label": run.get_status_display(),
        "total": run.total,
        "issued": run.issued,
        "skipped": run.skipped,
        "percent": run.percent,
        "counts": _("%(issued)s of %(total)s issued, %(skipped)s not issued.")
        % {"issued": run.issued, "total": run.total, "skipped": run.skipped},
        "finished": run.is_finished,
        "problems": run.problems,
    }


@login_required
def run(request, run_id):
    run = _run(request, run_id)
    return render(
        request, "certificates/officer/run.html", {"run": run, "status": _run_status(run)}
    )


@login_required
def run_status(request, run_id):
    return JsonResponse(_run_status(_run(request, run_id)))


@login_required
def manage(request, code):
    """One certificate for the officer: what it says, its log, revoke and re-issue."""
    certificate = certificate_for(request, code, manage=True)
    events = certificate.events.select_related("actor")
    return render(
        request,
        "certificates/officer/manage.html",
        {
            "certificate": certificate,
            "events": events,
            "revoke_form": ReasonForm(prefix="revoke"),
            "reissue_form": ReissueForm(
                prefix="reissue", initial={"holder_name": certificate.holder_name}
            ),
            "verify_url": issuing.verify_url(certificate.code),
        },
    )


def _manage_post(request, code, form_class, prefix, action):
    certificate = certificate_for(request, code, manage=True)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("certificates:manage", certificate.code)
    try:
        result = action(certificate, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("certificates:manage", certificate.code)
    return redirect("certificates:manage", result.code)


@login_required
@require_POST
def revoke(request, code):
    def action(certificate, data):
        issuing.revoke(certificate, request.user, data["reason"])
        messages.success(request, _("Certificate %(code)s is revoked.") % {"code": code})
        return certificate

    return _manage_post(request, code, ReasonForm, "revoke", action)


@login_required
@require_POST
def reissue(request, code):
    def action(certificate, data):
        new = issuing.reissue(
            certificate, request.user, data["reason"], holder_name=data["holder_name"]
        )
        messages.success(
            request,
            _("Certificate %(new)s replaces %(old)s.") % {"new": new.code, "old": certificate.code},
        )
        return new

    return _manage_post(request, code, ReissueForm, "reissue", action)


urlpatterns = [
    path("certificates/issue/", cohorts, name="cohorts"),
    path("certificates/issue/cohort/<int:cohort_id>/", cohort, name="cohort"),
    path(
        "certificates/issue/cohort/<int:cohort_id>/<int:enrolment_id>/",
        issue_one,
        name="issue_one",
    ),
    path("certificates/issue/run/<int:run_id>/", run, name="run"),
    path("certificates/issue/run/<int:run_id>/status/", run_status, name="run_status"),
    path("certificates/<str:code>/manage/", manage, name="manage"),
    path("certificates/<str:code>/revoke/", revoke, name="revoke"),
    path("certificates/<str:code>/reissue/", reissue, name="reissue"),
]
