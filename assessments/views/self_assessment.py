"""Self-assessment pages.

- The trainee's page (``self_assessment``): one screen with one question per learning
  outcome, "before" or "after" depending on where they are, then their own change.
- The trainer's pages: the cohort's answers as counts per outcome (no names), and, for the
  cohort's own trainers only, each trainee's before and after.

Trainee views only read the visitor's own enrolment (404 otherwise); staff views fetch the
cohort through ``cohort_for_staff``. The rules for saving live in
``assessments.self_assessment``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from curriculum.models import SessionLearningOutcome, SessionPlanPage
from training.access import cohort_for_staff
from training.models import CohortTrainer, Enrolment, ScheduledSession

from .. import self_assessment as services
from ..models import SelfAssessment, SelfRating
from ..models.self_assessment import SCALE

Phase = SelfRating.Phase
FIELD_PREFIX = "outcome-"


def i_can(text):
    """The outcome as the end of a sentence after "I can": its first letter lowered unless
    the first word looks like a name or an abbreviation (a capital as second letter)."""
    text = (text or "").strip()
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


# --- the trainee's page -----------------------------------------------------------------------


@dataclass
class Question:
    outcome: SessionLearningOutcome
    value: int | None

    @property
    def name(self):
        return f"{FIELD_PREFIX}{self.outcome.pk}"

    @property
    def statement(self):
        return i_can(self.outcome.text)


def _load(request, enrolment_id, session_plan_id):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort__programme"),
        pk=enrolment_id,
        trainee=request.user,
    )
    self_assessment = get_object_or_404(
        SelfAssessment.objects.select_related("session_plan"), session_plan_id=session_plan_id
    )
    if not services.plan_in_programme(self_assessment.session_plan, enrolment.cohort.programme):
        raise Http404
    return enrolment, self_assessment


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request, enrolment_id, session_plan_id):
    enrolment, sa = _load(request, enrolment_id, session_plan_id)
    plan = sa.session_plan
    outcomes = services.outcomes_of(plan)
    meeting = services.cohort_meeting(enrolment.cohort, plan)
    saved = services.saved_values(enrolment, sa)
    before_done = bool(outcomes) and all((Phase.BEFORE, o.pk) in saved for o in outcomes)
    after_done = bool(outcomes) and all((Phase.AFTER, o.pk) in saved for o in outcomes)
    can_after = services.after_open(meeting)
    may_change = enrolment.can_work and bool(outcomes)

    def allowed(phase):
        if not may_change:
            return False
        if phase == Phase.BEFORE:
            return services.before_open(after_done)
        return phase == Phase.AFTER and can_after and before_done

    url = reverse("assessments:self_assessment", args=[enrolment.pk, plan.pk])
    error, posted = "", None
    if request.method == "POST":
        phase = request.POST.get("phase", "")
        posted = {
            key[len(FIELD_PREFIX) :]: value
            for key, value in request.POST.items()
            if key.startswith(FIELD_PREFIX)
        }
        try:
            services.record_ratings(
                enrolment=enrolment,
                self_assessment=sa,
                phase=phase,
                values=posted,
                user=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Thank you: your answers are saved."))
            return redirect(url)
    else:
        requested = request.GET.get("phase", "")
        if requested in Phase.values and allowed(requested):
            phase = requested
        elif not before_done and allowed(Phase.BEFORE):
            phase = Phase.BEFORE
        else:
            # "After" only when asked for (the home link and the button ask): a trainee who
            # just answered "before" at the start of a session must not land on "after".
            phase = ""

    context = {
        "enrolment": enrolment,
        "cohort": enrolment.cohort,
        "sa": sa,
        "plan": plan,
        "meeting": meeting,
        "after_when_next": sa.after == SelfAssessment.AfterWhen.NEXT_SESSION,
        "scale": [(value, str(label)) for value, label in SCALE],
        "url": url,
        "before_done": before_done,
        "after_done": after_done,
        "can_after": can_after,
        "may_change": may_change,
        "can_change_before": before_done and allowed(Phase.BEFORE),
        "can_change_after": after_done and allowed(Phase.AFTER),
    }
    if phase in Phase.values:
        values = saved if posted is None else {}
        questions = []
        for outcome in outcomes:
            if posted is not None:
                value = services.parse_value(posted.get(str(outcome.pk)))
            else:
                # "After" starts empty (never a copy of "before", which would nudge
                # towards no change); a second visit shows what the trainee said.
                value = values.get((phase, outcome.pk))
            questions.append(Question(outcome, value))
        context.update(phase=phase, questions=questions, error=error)
        return render(
            request,
            "assessments/self_assessment/form.html",
            context,
            status=400 if error else 200,
        )
    if error:
        # The phase closed between opening and sending: say so on the summary page.
        messages.error(request, error)
        return redirect(url)
    context["changes"] = services.trainee_change(enrolment, sa, outcomes)
    for change in context["changes"]:
        change.statement = i_can(change.text)
    return render(request, "assessments/self_assessment/change.html", context)


# --- the trainer's pages ----------------------------------------------------------------------


def _staff_load(request, cohort_id, session_plan_id):
    cohort = cohort_for_staff(request, cohort_id)
    plan = get_object_or_404(
        SessionPlanPage.objects.child_of(cohort.programme).live(), pk=session_plan_id
    )
    sa = get_object_or_404(SelfAssessment, session_plan=plan)
    sa.session_plan = plan
    return cohort, plan, sa


def _is_cohort_trainer(user, cohort):
    return user.is_superuser or CohortTrainer.objects.filter(cohort=cohort, user=user).exists()


@login_required
@require_http_methods(["GET"])
def cohort_distribution(request, cohort_id, session_plan_id):
    cohort, plan, sa = _staff_load(request, cohort_id, session_plan_id)
    outcomes = services.outcomes_of(plan)
    distributions = services.cohort_distribution(cohort, sa, outcomes)
    for item in distributions:
        item.statement = i_can(item.text)
    return render(
        request,
        "assessments/self_assessment/cohort.html",
        {
            "cohort": cohort,
            "plan": plan,
            "sa": sa,
            "distributions": distributions,
            "show_people_link": _is_cohort_trainer(request.user, cohort),
        },
    )


@login_required
@require_http_methods(["GET"])
def cohort_people(request, cohort_id, session_plan_id):
    cohort, plan, sa = _staff_load(request, cohort_id, session_plan_id)
    # Names only for the people who run the group in the room; others read the counts.
    if not _is_cohort_trainer(request.user, cohort):
        raise PermissionDenied
    outcomes = services.outcomes_of(plan)
    return render(
        request,
        "assessments/self_assessment/people.html",
        {
            "cohort": cohort,
            "plan": plan,
            "sa": sa,
            "outcomes": [(outcome, i_can(outcome.text)) for outcome in outcomes],
            "people": services.cohort_people(cohort, sa, outcomes),
        },
    )


urlpatterns = [
    path(
        "self-assessment/<int:enrolment_id>/<int:session_plan_id>/",
        self_assessment,
        name="self_assessment",
    ),
    path(
        "self-assessment/group/<int:cohort_id>/<int:session_plan_id>/",
        cohort_distribution,
        name="self_assessment_cohort",
    ),
    path(
        "self-assessment/group/<int:cohort_id>/<int:session_plan_id>/people/",
        cohort_people,
        name="self_assessment_people",
    ),
]


# --- the trainee home -------------------------------------------------------------------------


@dataclass
class ToDo:
    enrolment_id: int
    plan: SessionPlanPage
    meeting: ScheduledSession
    phase: str

    @property
    def url(self):
        url = reverse("assessments:self_assessment", args=[self.enrolment_id, self.plan.pk])
        return f"{url}?phase=after" if self.phase == Phase.AFTER else url

    @property
    def cohort_name(self):
        return self.meeting.cohort.name


def self_assessments_to_do(user, now=None):
    """The self-assessments a trainee can do now, for their current groups: "before" for
    the next session (or one under way, or one held without it), "after" once the session
    started. One query when there is nothing to do, three otherwise, however many groups,
    sessions or answers."""
    now = now or timezone.now()
    # The trainee's groups' meetings that have a self-assessment, each with the trainee's
    # enrolment id (the join on enrolments is the one the filter uses).
    meetings = list(
        ScheduledSession.objects.filter(
            cohort__enrolments__trainee=user,
            cohort__enrolments__status__in=[Enrolment.Status.INVITED, Enrolment.Status.ACTIVE],
            cancelled=False,
            session_plan__live=True,
            session_plan__self_assessment__isnull=False,
        )
        .annotate(enrolment_id=F("cohort__enrolments__id"))
        .select_related("cohort", "session_plan__self_assessment")
        .order_by("starts_at", "pk")
    )
    if not meetings:
        return []
    plan_ids = {m.session_plan_id for m in meetings}
    outcome_ids = {}
    for outcome_id, page_id in SessionLearningOutcome.objects.filter(
        page_id__in=plan_ids
    ).values_list("id", "page_id"):
        outcome_ids.setdefault(page_id, set()).add(outcome_id)
    current = {pk for found in outcome_ids.values() for pk in found}
    counts = {}
    for row in (
        SelfRating.objects.filter(
            enrolment_id__in={m.enrolment_id for m in meetings},
            self_assessment__session_plan_id__in=plan_ids,
            outcome_id__in=current,
        )
        .values("enrolment_id", "self_assessment_id")
        .annotate(
            before=Count("id", filter=Q(phase=Phase.BEFORE)),
            after=Count("id", filter=Q(phase=Phase.AFTER)),
        )
    ):
        counts[(row["enrolment_id"], row["self_assessment_id"])] = row

    todo, seen, next_found = [], set(), set()
    for meeting in meetings:
        key = (meeting.enrolment_id, meeting.session_plan_id)
        if key in seen:
            continue  # the same session planned twice: the first meeting counts
        seen.add(key)
        sa = meeting.session_plan.self_assessment
        needed = len(outcome_ids.get(meeting.session_plan_id, ()))
        if not needed:
            continue
        row = counts.get((meeting.enrolment_id, sa.pk), {})
        before_done = row.get("before", 0) >= needed
        after_done = row.get("after", 0) >= needed
        if meeting.starts_at > now:
            # Only the next session ahead: a list of every future one would just be noise.
            if meeting.enrolment_id not in next_found and not before_done:
                todo.append(ToDo(meeting.enrolment_id, meeting.session_plan, meeting, Phase.BEFORE))
            next_found.add(meeting.enrolment_id)
        elif not before_done and not after_done:
            todo.append(ToDo(meeting.enrolment_id, meeting.session_plan, meeting, Phase.BEFORE))
        elif before_done and not after_done:
            todo.append(ToDo(meeting.enrolment_id, meeting.session_plan, meeting, Phase.AFTER))
    return todo


def trainee_home_context(user):
    return {"self_assessments_to_do": self_assessments_to_do(user)}
