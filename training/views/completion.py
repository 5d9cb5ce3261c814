"""Completion pages: the trainer's cohort matrix and catch-ups, the trainee's progress.

Staff views fetch the cohort through ``cohort_for_staff`` and then check that every other
id in the URL belongs to that cohort (404 otherwise). Trainee views only ever read the
visitor's own enrolments. The rules live in ``training.completion`` and
``training.catch_up``; these views only gather and show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from curriculum.models import SessionPlanPage

from .. import catch_up as services
from ..access import cohort_for_staff
from ..completion import (
    ATTENDANCE_STATES,
    planned_sessions,
    progress_for,
    rule_for,
    session_name,
    short_summary,
    what_is_left,
)
from ..models import CatchUp, Enrolment, ScheduledSession

# --- the trainer's matrix -----------------------------------------------------------------------


@dataclass
class MatrixRow:
    progress: object
    name: str
    summary: str

    @property
    def enrolment(self):
        return self.progress.enrolment


@login_required
@require_http_methods(["GET"])
def matrix(request, cohort_id):
    cohort = cohort_for_staff(request, cohort_id)
    enrolments = list(
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).select_related("trainee")
    )
    for enrolment in enrolments:
        enrolment.cohort = cohort
    progresses = progress_for(enrolments)
    if progresses:
        columns = [(s.plan, s.scheduled) for s in progresses[0].sessions]
        rule = progresses[0].rule
    else:
        columns = [(plan, None) for plan in planned_sessions(cohort.programme)]
        rule = rule_for(cohort.programme)
    rows = [
        MatrixRow(
            progress=p,
            name=p.enrolment.trainee.get_full_name() or p.enrolment.trainee.username,
            summary=short_summary(p),
        )
        for p in progresses
    ]
    catch_ups = [
        (row, session)
        for row in rows
        for session in row.progress.sessions
        if session.catch_up is not None
    ]
    withdrawn = cohort.enrolments.filter(status=Enrolment.Status.WITHDRAWN).count()
    return render(
        request,
        "training/completion/matrix.html",
        {
            "cohort": cohort,
            "rule": rule,
            "columns": columns,
            "rows": rows,
            "catch_ups": catch_ups,
            "withdrawn": withdrawn,
            "legend": [(symbol, label) for symbol, label in ATTENDANCE_STATES.values()],
        },
    )


# --- catch-ups, for trainers --------------------------------------------------------------------


def _plan_of(cohort, plan_id):
    return get_object_or_404(SessionPlanPage.objects.child_of(cohort.programme).live(), pk=plan_id)


def _matrix_url(cohort):
    return reverse("training:matrix", args=[cohort.pk])


@login_required
@require_http_methods(["GET", "POST"])
def catch_up_new(request, cohort_id, enrolment_id, plan_id):
    cohort = cohort_for_staff(request, cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("trainee"), pk=enrolment_id, cohort=cohort
    )
    enrolment.cohort = cohort
    plan = _plan_of(cohort, plan_id)
    name = enrolment.trainee.get_full_name() or enrolment.trainee.username
    try:
        services.check_catch_up_possible(enrolment=enrolment, session_plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_matrix_url(cohort))
    sessions = list(services.other_group_sessions(enrolment=enrolment, session_plan=plan))
    values = {"kind": "", "scheduled_session": "", "task": ""}
    error = ""
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        try:
            scheduled_id = int(values["scheduled_session"] or 0)
        except ValueError:
            scheduled_id = 0
        try:
            services.catch_up_set(
                by=request.user,
                enrolment=enrolment,
                session_plan=plan,
                kind=values["kind"],
                scheduled_session_id=scheduled_id,
                task=values["task"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("Catch-up set for %(name)s, %(session)s.")
                % {"name": name, "session": session_name(plan)},
            )
            return redirect(_matrix_url(cohort))
    return render(
        request,
        "training/completion/catch_up_new.html",
        {
            "cohort": cohort,
            "enrolment": enrolment,
            "name": name,
            "plan": plan,
            "sessions": sessions,
            "values": values,
            "error": error,
            "Kind": CatchUp.Kind,
            "task_max_length": services.TASK_MAX_LENGTH,
        },
        status=400 if error else 200,
    )


def _cohort_catch_up(request, cohort_id, catch_up_id):
    cohort = cohort_for_staff(request, cohort_id)
    catch_up = get_object_or_404(CatchUp, pk=catch_up_id, enrolment__cohort=cohort)
    return cohort, catch_up


@login_required
@require_http_methods(["POST"])
def catch_up_done(request, cohort_id, catch_up_id):
    cohort, catch_up = _cohort_catch_up(request, cohort_id, catch_up_id)
    try:
        services.catch_up_confirm_done(by=request.user, catch_up=catch_up)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The catch-up task is confirmed as done."))
    return redirect(_matrix_url(cohort) + "#catch-ups")


@login_required
@require_http_methods(["POST"])
def catch_up_cancel(request, cohort_id, catch_up_id):
    cohort, catch_up = _cohort_catch_up(request, cohort_id, catch_up_id)
    try:
        services.catch_up_cancel(by=request.user, catch_up=catch_up)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The catch-up is cancelled."))
    return redirect(_matrix_url(cohort) + "#catch-ups")


# --- the trainee's progress ---------------------------------------------------------------------


def current_enrolments(user):
    """The trainee's enrolments, except groups they have left."""
    return list(
        Enrolment.objects.filter(trainee=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort__programme", "cohort__organisation")
        .order_by("-cohort__starts_on", "cohort__name", "pk")
    )


@dataclass
class ProgressCard:
    progress: object
    items: list
    next_session: ScheduledSession | None = None
    session_today: ScheduledSession | None = None
    tasks: list = field(default_factory=list)

    @property
    def enrolment(self):
        return self.progress.enrolment

    @property
    def cohort(self):
        return self.progress.enrolment.cohort


def _upcoming(progress):
    """The trainee's meetings still to come (or under way): their group's, support and
    supervision alike, and catch-ups with other groups. Read from what ``progress_for``
    loaded, so no further query."""
    now = timezone.now()
    sessions = [s for s in progress.cohort_sessions if not s.cancelled]
    sessions += [
        s.catch_up.scheduled_session
        for s in progress.sessions
        if s.catch_up is not None
        and s.catch_up.scheduled_session_id
        and not s.counted
        and not s.catch_up.scheduled_session.cancelled
    ]
    return sorted((s for s in sessions if s.ends_at >= now), key=lambda s: (s.starts_at, s.pk))


def progress_cards(user):
    progresses = progress_for(current_enrolments(user))
    today = timezone.localdate()
    cards = []
    for progress in progresses:
        sessions = _upcoming(progress)
        next_session = sessions[0] if sessions else None
        cards.append(
            ProgressCard(
                progress=progress,
                items=what_is_left(progress),
                next_session=next_session,
                session_today=next(
                    (s for s in sessions if timezone.localdate(s.starts_at) == today), None
                ),
                tasks=[
                    s.catch_up
                    for s in progress.sessions
                    if s.catch_up is not None and s.catch_up.kind == CatchUp.Kind.TASK
                ],
            )
        )
    return cards


def trainee_home_context(user):
    """What the trainee home page shows above the worksheets: for each current group, the
    next session (with a check-in link on the day) and the first three things left."""
    return {"progress_cards": progress_cards(user)}


@login_required
@require_http_methods(["GET"])
def my_progress(request):
    return _render_progress(request)


def _render_progress(request, drafts=None, errors=None, status=200):
    cards = progress_cards(request.user)
    for card in cards:
        for task in card.tasks:
            # A refused answer comes back in its box, so nothing the trainee typed is lost.
            task.draft = (drafts or {}).get(task.pk, task.answer)
            task.error = (errors or {}).get(task.pk, "")
    return render(
        request,
        "training/completion/my_progress.html",
        {"cards": cards, "answer_max_length": services.ANSWER_MAX_LENGTH},
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def catch_up_answer(request, catch_up_id):
    catch_up = get_object_or_404(CatchUp, pk=catch_up_id, enrolment__trainee=request.user)
    answer = request.POST.get("answer", "")
    try:
        services.catch_up_answer(user=request.user, catch_up=catch_up, answer=answer)
    except ValidationError as error:
        return _render_progress(
            request,
            drafts={catch_up.pk: answer},
            errors={catch_up.pk: " ".join(error.messages)},
            status=400,
        )
    messages.success(request, _("Your answer is saved. Your trainer will look at it."))
    return redirect(reverse("training:my_progress") + f"#catch-up-{catch_up.pk}")


urlpatterns = [
    path("cohorts/<int:cohort_id>/completion/", matrix, name="matrix"),
    path(
        "cohorts/<int:cohort_id>/catch-up/<int:enrolment_id>/<int:plan_id>/",
        catch_up_new,
        name="catch_up_new",
    ),
    path(
        "cohorts/<int:cohort_id>/catch-ups/<int:catch_up_id>/done/",
        catch_up_done,
        name="catch_up_done",
    ),
    path(
        "cohorts/<int:cohort_id>/catch-ups/<int:catch_up_id>/cancel/",
        catch_up_cancel,
        name="catch_up_cancel",
    ),
    path("progress/", my_progress, name="my_progress"),
    path("progress/catch-ups/<int:catch_up_id>/", catch_up_answer, name="catch_up_answer"),
]
