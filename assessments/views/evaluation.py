"""Programme evaluation pages.

Trainees: agree (or not) to take part, fill in a questionnaire on one page, read their own
answers, withdraw. Evaluation leads: the paired before/after report of their organisations'
cohorts, with a chart and a CSV of pseudonymised pairs. Trainers and managers: the same
report as aggregates only, with small groups suppressed. The rules live in
``assessments.evaluation``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from curriculum.models import ProgrammePage
from lms.reauth import confirm_first

from .. import evaluation as ev
from ..models import EvaluationInvitation, EvaluationResponse, EvaluationSchedule, Instrument

# --- the trainee's side ----------------------------------------------------------------------


def trainee_home_context(user):
    """The home page card: questionnaires waiting, and whether the trainee agreed yet.
    Two queries at most, one when nothing waits."""
    waiting = ev.waiting_for(user)
    if not waiting:
        return {"evaluation_waiting": []}
    return {"evaluation_waiting": waiting, "evaluation_consent": ev.consent_state(user)}


def _own_invitation(request, invitation_id):
    invitation = get_object_or_404(
        EvaluationInvitation.objects.select_related(
            "enrolment__cohort__programme", "schedule__instrument"
        ),
        pk=invitation_id,
    )
    # Someone else's questionnaire does not exist as far as this visitor can tell.
    if invitation.enrolment.trainee_id != request.user.pk:
        raise Http404
    return invitation


def _safe_next(request):
    """Only an invitation of the visitor's own is a place to go back to."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    if value.isdigit():
        exists = EvaluationInvitation.objects.filter(
            pk=int(value), enrolment__trainee=request.user
        ).exists()
        if exists:
            return int(value)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def consent(request):
    next_invitation = _safe_next(request)
    state = ev.consent_state(request.user)
    if request.method == "POST":
        choice = request.POST.get("choice")
        if choice == "yes":
            ev.give_consent(request.user, ev.CONSENT_STATEMENT)
            messages.success(request, _("Thank you. You can answer the questionnaire now."))
            if next_invitation:
                return redirect("assessments:evaluation_fill", next_invitation)
            return redirect("assessments:evaluation_mine")
        if choice == "no":
            ev.decline(request.user, ev.CONSENT_STATEMENT)
            messages.success(
                request,
                _("That is fine. We will not ask you again. You can change your mind later."),
            )
            return redirect("home")
        messages.error(request, _("Please choose yes or no."))
    return render(
        request,
        "assessments/evaluation/consent.html",
        {"statement": ev.CONSENT_STATEMENT, "state": state, "next_invitation": next_invitation},
    )


@dataclass
class ItemRow:
    item: object
    number: int
    name: str
    choices: list
    chosen: str
    error: str


def _rows(instrument, items, chosen=None, errors=None):
    chosen, errors = chosen or {}, errors or {}
    values = [str(v) for v in range(instrument.scale_min, instrument.scale_max + 1)]
    return [
        ItemRow(
            item=item,
            number=number,
            name=item.code,
            choices=values,
            chosen=str(chosen.get(item.code, "")),
            error=errors.get(item.code, ""),
        )
        for number, item in enumerate(items, start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def fill(request, invitation_id):
    invitation = _own_invitation(request, invitation_id)
    if ev.consent_state(request.user) != ev.GIVEN:
        return redirect(f"{reverse('assessments:evaluation_consent')}?next={invitation.pk}")
    if invitation.completed_at is not None:
        messages.info(request, str(ev.ALREADY_ANSWERED))
        return redirect("assessments:evaluation_thanks", invitation.pk)
    if not ev.invitation_is_open(invitation):
        messages.error(request, _("This questionnaire is closed."))
        return redirect("assessments:evaluation_mine")
    instrument = invitation.schedule.instrument
    items = list(instrument.items.all())
    chosen, errors, status = {}, {}, 200
    if request.method == "POST":
        chosen = {item.code: request.POST.get(item.code, "") for item in items}
        try:
            ev.submit(invitation, request.user, chosen)
        except ev.EvaluationError as error:
            if error.code == ev.ANSWERED:
                # Already answered in another tab: the first answers stand.
                messages.info(request, error.message)
                return redirect("assessments:evaluation_thanks", invitation.pk)
            messages.error(request, error.message)
            errors, status = error.errors, 400
        else:
            return redirect("assessments:evaluation_thanks", invitation.pk)
    return render(
        request,
        "assessments/evaluation/fill.html",
        {
            "invitation": invitation,
            "instrument": instrument,
            "rows": _rows(instrument, items, chosen, errors),
            "errors": errors,
        },
        status=status,
    )


@login_required
@require_GET
def thanks(request, invitation_id):
    invitation = _own_invitation(request, invitation_id)
    return render(
        request,
        "assessments/evaluation/thanks.html",
        {"invitation": invitation, "waiting": ev.waiting_for(request.user)},
    )


@login_required
@require_GET
def mine(request):
    """The trainee's own answers, in their words, and the way out."""
    responses = list(
        EvaluationResponse.objects.filter(invitation__enrolment__trainee=request.user)
        .select_related("invitation__enrolment__cohort", "instrument")
        .order_by("-submitted_at")
    )
    instruments = {r.instrument_id for r in responses}
    items = {}
    for instrument in Instrument.objects.filter(pk__in=instruments).prefetch_related("items"):
        items[instrument.pk] = list(instrument.items.all())
    answered = [
        {
            "response": response,
            "answers": [
                (item, response.answers.get(item.code))
                for item in items.get(response.instrument_id, [])
            ],
        }
        for response in responses
    ]
    return render(
        request,
        "assessments/evaluation/mine.html",
        {
            "answered": answered,
            "waiting": ev.waiting_for(request.user),
            "state": ev.consent_state(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request):
    if request.method == "POST":
        ev.withdraw_consent(request.user)
        messages.success(
            request,
            _(
                "You no longer take part. We will not ask you again, and your answers are left "
                "out of every report."
            ),
        )
        return redirect("assessments:evaluation_mine")
    return render(
        request, "assessments/evaluation/withdraw.html", {"state": ev.consent_state(request.user)}
    )


# --- reports ---------------------------------------------------------------------------------


def _programmes(cohorts):
    """Programmes of these cohorts that have an evaluation scheduled, with the schedules."""
    programme_ids = set(cohorts.values_list("programme_id", flat=True))
    schedules = (
        EvaluationSchedule.objects.filter(programme_id__in=programme_ids)
        .select_related("instrument", "programme")
        .order_by("programme__title", "instrument__name")
    )
    programmes = {}
    for schedule in schedules:
        entry = programmes.setdefault(schedule.programme_id, [schedule.programme, {}])
        entry[1][schedule.instrument_id] = schedule.instrument
    return [
        (programme, list(instruments.values())) for programme, instruments in programmes.values()
    ]


def _report_inputs(request, programme_id, cohorts):
    programme = get_object_or_404(ProgrammePage, pk=programme_id)
    cohorts = cohorts.filter(programme=programme)
    instruments = list(
        Instrument.objects.filter(schedules__programme=programme).distinct().order_by("name")
    )
    if not instruments or not cohorts.exists():
        raise Http404
    chosen = request.GET.get("instrument", "")
    instrument = next((i for i in instruments if str(i.pk) == chosen), instruments[0])
    cohort_list = list(
        cohorts.select_related("organisation").order_by("organisation__name", "name")
    )
    selected = request.GET.get("cohort", "")
    focus = next((c for c in cohort_list if str(c.pk) == selected), None)
    return programme, instruments, instrument, cohort_list, focus


def _report_context(request, programme_id, cohorts, *, lead):
    programme, instruments, instrument, cohort_list, focus = _report_inputs(
        request, programme_id, cohorts
    )
    scope = [focus] if focus else cohort_list
    report = ev.build_report(instrument, scope, label=focus.name if focus else programme.title)
    return {
        "programme": programme,
        "instruments": instruments,
        "instrument": instrument,
        "cohorts": cohort_list,
        "focus": focus,
        "report": report,
        "lead": lead,
        "min_group": ev.min_group(),
    }


@login_required
@require_GET
def report_index(request):
    if not ev.is_evaluation_lead(request.user):
        raise PermissionDenied
    cohorts = ev.cohorts_for_evaluation(request.user)
    return render(
        request,
        "assessments/evaluation/report_index.html",
        {"programmes": _programmes(cohorts), "lead": True},
    )


@login_required
@require_GET
def report(request, programme_id):
    if not ev.is_evaluation_lead(request.user):
        raise PermissionDenied
    # Pairs one by one: the lead types their password again first.
    asked = confirm_first(request)
    if asked is not None:
        return asked
    context = _report_context(
        request, programme_id, ev.cohorts_for_evaluation(request.user), lead=True
    )
    return render(request, "assessments/evaluation/report.html", context)


def _cell(value):
    """Spreadsheet programs run cells that start like a formula; these are names typed by
    people, so they are made plain text."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


@login_required
@require_GET
def report_csv(request, programme_id):
    if not ev.is_evaluation_lead(request.user):
        raise PermissionDenied
    asked = confirm_first(request)
    if asked is not None:
        return asked
    context = _report_context(
        request, programme_id, ev.cohorts_for_evaluation(request.user), lead=True
    )
    scope = [context["focus"]] if context["focus"] else context["cohorts"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = slugify(f"{context['programme'].title}-{context['instrument'].short_name}-pairs")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the accents right
    writer = csv.writer(response)
    for row in ev.pairs_csv_rows(context["report"], scope):
        writer.writerow([_cell(value) for value in row])
    return response


@login_required
@require_GET
def summary_index(request):
    cohorts = ev.cohorts_for_aggregates(request.user)
    if not cohorts.exists():
        raise PermissionDenied
    return render(
        request,
        "assessments/evaluation/report_index.html",
        {"programmes": _programmes(cohorts), "lead": False},
    )


@login_required
@require_GET
def summary(request, programme_id):
    """Aggregates only, small groups suppressed: for trainers and managers."""
    cohorts = ev.cohorts_for_aggregates(request.user)
    if not cohorts.exists():
        raise PermissionDenied
    context = _report_context(request, programme_id, cohorts, lead=False)
    # Never hand individual pairs to a page that is not an evaluation lead's.
    context["report"].pairs = []
    return render(request, "assessments/evaluation/report.html", context)


urlpatterns = [
    path("evaluation/consent/", consent, name="evaluation_consent"),
    path("evaluation/mine/", mine, name="evaluation_mine"),
    path("evaluation/withdraw/", withdraw, name="evaluation_withdraw"),
    path("evaluation/report/", report_index, name="evaluation_reports"),
    path("evaluation/report/<int:programme_id>/", report, name="evaluation_report"),
    path("evaluation/report/<int:programme_id>/pairs.csv", report_csv, name="evaluation_csv"),
    path("evaluation/summary/", summary_index, name="evaluation_summaries"),
    path("evaluation/summary/<int:programme_id>/", summary, name="evaluation_summary"),
    path("evaluation/<int:invitation_id>/", fill, name="evaluation_fill"),
    path("evaluation/<int:invitation_id>/thanks/", thanks, name="evaluation_thanks"),
]
