"""Pages for adapted cohorts: the trainee's visual schedule and story choices, the trainer's
adapted plan, and everyone's "How the pages look".

A trainee reaches a session only through their own enrolment in its cohort (403 for anyone
else's); staff reach it through ``training.access`` (trainers of the cohort, managers of its
organisation). A session of a cohort without a profile has no visual schedule (404).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from curriculum.models import CaseScenario
from training.access import can_run_cohort, cohort_for_staff
from training.models import CohortTrainer, Enrolment, ScheduledSession

from . import display, selectors
from .forms import DisplayPreferencesForm
from .models import DisplayPreferences, StoryChoice
from .schedule import build_schedule

# --- what each step says --------------------------------------------------------------------


@dataclass
class Row:
    """A step of the schedule with what the page shows beside it."""

    step: object
    icon: str
    text: str = ""
    first: object = None  # the text shown first: easy read or the procedure
    first_is_easy_read: bool = False
    second: object = None  # the other one, behind a toggle
    notes: list | None = None
    choice: StoryChoice | None = None
    stepped_out: list | None = None  # for trainers: who stepped out of its story


def default_texts():
    return {
        "introduction": _("The trainer says hello and tells you the plan for today."),
        "closure": _("We look back on the session. You can say one thing, or pass."),
        "break": _("Time to rest. You can have a drink, go outside or sit somewhere quiet."),
    }


def schedule_rows(schedule, profile, *, choices=None):
    """The rows of a visual schedule for ``profile``: icon, plain words and, for activities,
    the easy-read text and the procedure in the order the profile prefers."""
    choices = choices or {}
    defaults = default_texts()
    rows = []
    for step in schedule.steps:
        row = Row(step=step, icon=step.icon(low_demand=profile.prefer_low_demand))
        if step.kind == "introduction":
            row.text = profile.introduction_text or defaults["introduction"]
        elif step.kind == "closure":
            row.text = profile.closure_text or defaults["closure"]
        elif step.kind == "break":
            value = step.value
            if value is not None and value.has_easy_read:
                row.first, row.first_is_easy_read = value["easy_read"], True
            else:
                row.text = profile.break_text or defaults["break"]
        else:
            value = step.value
            row.text = step.how_you_work
            easy = value["easy_read"] if value.has_easy_read else None
            standard = value.get("procedure")
            if easy is not None and profile.prefer_easy_read:
                row.first, row.first_is_easy_read, row.second = easy, True, standard
            else:
                row.first, row.second = standard, easy
            scenario = step.scenario
            if scenario is not None:
                row.notes = list(scenario.content_notes.all())
                row.choice = choices.get(scenario.pk)
        rows.append(row)
    return rows


def _in_reader_language(page):
    """The session plan's words in the reader's language, where a translation exists."""
    try:
        from lms.page_translations import show_in_language
    except ImportError:  # pragma: no cover - only before translations are installed
        return
    show_in_language([page])


def _things_to_bring(plan, profile):
    things = []
    worksheets = plan.worksheets()
    if worksheets:
        names = ", ".join(str(worksheet) for worksheet in worksheets)
        things.append(
            _("Your phone, to fill in the worksheets. Paper copies are there too: %(names)s.")
            % {"names": names}
        )
    things.extend(profile.things_to_bring)
    return things


def _schedule_context(session, profile, *, enrolment=None):
    plan = session.session_plan
    _in_reader_language(plan)
    starts = timezone.localtime(session.starts_at)
    schedule = build_schedule(plan.timed_parts(), starts=starts, profile=profile)
    # The content notes of every story in one query, however many steps use a story.
    stories = [step.scenario for step in schedule.steps if step.scenario is not None]
    prefetch_related_objects(stories, "content_notes")
    trainers = list(
        CohortTrainer.objects.filter(cohort_id=session.cohort_id)
        .select_related("user")
        .order_by("role", "pk")
    )
    return {
        "session": session,
        "cohort": session.cohort,
        "plan": plan,
        "profile": profile,
        "schedule": schedule,
        "rows": schedule_rows(schedule, profile, choices=selectors.story_choices(enrolment)),
        "trainers": trainers,
        "things_to_bring": _things_to_bring(plan, profile),
        "share_date": selectors.share_date(session, profile),
        "enrolment": enrolment,
    }


# --- the trainee's visual schedule ------------------------------------------------------------


def _session_for(request, session_id):
    """The scheduled session with its cohort and profile, the visitor's enrolment in it
    (None for staff), and whether the visitor is staff. 403 for anyone else."""
    session = get_object_or_404(
        ScheduledSession.objects.select_related(
            "cohort__profile", "cohort__programme", "session_plan"
        ),
        pk=session_id,
    )
    enrolment = (
        Enrolment.objects.filter(cohort_id=session.cohort_id, trainee=request.user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .first()
    )
    if enrolment is not None:
        return session, enrolment, False
    if can_run_cohort(request.user, session.cohort):
        return session, None, True
    raise PermissionDenied


@login_required
@require_safe
def schedule(request, session_id):
    session, enrolment, staff = _session_for(request, session_id)
    if not selectors.schedule_available(session):
        raise Http404
    profile = session.cohort.profile
    if not staff and not selectors.is_shared(session, profile):
        return render(
            request,
            "profiles/not_shared_yet.html",
            {"session": session, "share_date": selectors.share_date(session, profile)},
            status=404,
        )
    context = _schedule_context(session, profile, enrolment=enrolment)
    context["staff_preview"] = staff
    return render(request, "profiles/schedule.html", context)


# --- a story with content notes -----------------------------------------------------------------


def scenario_in_programme(programme, scenario):
    """True when a published session of ``programme`` uses ``scenario``, in an activity or in
    the questions of one of its worksheets. Reads stored streams only."""
    from curriculum.selectors import programme_uses
    from worksheets.selectors import programme_worksheets

    used = programme_uses(programme, "case_scenario", CaseScenario)
    if any(found.pk == scenario.pk for _session, found in used):
        return True
    for _session, worksheet in programme_worksheets(programme):
        for item in worksheet.parts.raw_data:
            value = item.get("value") or {}
            if item.get("type") == "case_questions" and str(value.get("case_scenario")) == str(
                scenario.pk
            ):
                return True
    return False


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def story(request, cohort_id, scenario_id):
    """Before a story with content notes: the notes, then "Read it" or "Step out of this one".

    Only a trainee of the cohort records a choice; its trainers see the page as it is.
    """
    enrolment = (
        Enrolment.objects.filter(cohort_id=cohort_id, trainee=request.user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort__profile", "cohort__programme")
        .first()
    )
    if enrolment is not None:
        cohort = enrolment.cohort
    else:
        cohort = cohort_for_staff(request, cohort_id, "profile")
    scenario = get_object_or_404(CaseScenario, pk=scenario_id)
    if not scenario_in_programme(cohort.programme, scenario):
        raise Http404
    back = _safe_next(request, reverse("home"))
    if request.method == "POST":
        if enrolment is None:
            raise PermissionDenied
        choice = request.POST.get("choice", "")
        if choice not in StoryChoice.Choice.values:
            messages.error(request, _("Choose “Read it” or “Step out of this one”."))
        else:
            StoryChoice.record(enrolment=enrolment, scenario=scenario, choice=choice)
        url = reverse("profiles:story", args=[cohort.pk, scenario.pk])
        return redirect(f"{url}?{urlencode({'next': back})}")
    notes = list(scenario.content_notes.all())
    choice = (
        StoryChoice.objects.filter(enrolment=enrolment, scenario=scenario).first()
        if enrolment
        else None
    )
    profile = cohort.profile
    asks_first = bool(notes) and (profile is None or profile.show_content_notes)
    return render(
        request,
        "profiles/story.html",
        {
            "cohort": cohort,
            "scenario": scenario,
            "notes": notes,
            "choice": choice,
            "asks_first": asks_first,
            "shows_story": not asks_first
            or enrolment is None
            or (choice is not None and not choice.stepped_out),
            "back": back,
            "staff_preview": enrolment is None,
        },
    )


# --- the trainer's side ---------------------------------------------------------------------------


@login_required
@require_safe
def cohort_plans(request, cohort_id):
    """The cohort's sessions with their adapted plans, and who stepped out of which story."""
    cohort = cohort_for_staff(request, cohort_id, "profile")
    sessions = list(
        ScheduledSession.objects.filter(cohort=cohort, session_plan__isnull=False)
        .select_related("session_plan")
        .order_by("starts_at", "pk")
    )
    for session in sessions:
        session.cohort = cohort
        if cohort.profile is not None:
            session.share_date = selectors.share_date(session, cohort.profile)
    stepped = selectors.stepped_out(cohort)
    return render(
        request,
        "profiles/cohort_plans.html",
        {
            "cohort": cohort,
            "profile": cohort.profile,
            "sessions": sessions,
            "stepped_out": [choices for choices in stepped.values()],
        },
    )


@login_required
@require_safe
def trainer_plan(request, cohort_id, session_id):
    """The session as the adapted cohort runs it: stretched times and planned breaks,
    lower-demand alternatives, adaptation notes, and who stepped out of its story."""
    cohort = cohort_for_staff(request, cohort_id, "profile")
    session = get_object_or_404(
        ScheduledSession.objects.select_related("session_plan"),
        pk=session_id,
        cohort=cohort,
        session_plan__isnull=False,
    )
    session.cohort = cohort
    profile = cohort.profile
    if profile is None:
        raise Http404
    context = _schedule_context(session, profile)
    scenarios = [row.step.scenario for row in context["rows"] if row.step.scenario is not None]
    stepped = selectors.stepped_out(cohort, scenarios)
    for row in context["rows"]:
        if row.step.scenario is not None:
            row.stepped_out = stepped.get(row.step.scenario.pk, [])
    booked = session.duration_minutes
    context.update(
        booked_minutes=booked,
        overruns=context["schedule"].total_minutes > booked,
    )
    return render(request, "profiles/trainer_plan.html", context)


# --- how the pages look ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = display.preferences_for(request.user)
    back = _safe_next(request, "")
    if request.method == "POST":
        instance = DisplayPreferences.objects.filter(user=request.user).first()
        form = DisplayPreferencesForm(
            request.POST, instance=instance or DisplayPreferences(user=request.user)
        )
        if form.is_valid():
            saved = form.save()
            display.remember(request, saved.as_dict())
            messages.success(request, _("Saved. Every page now looks like this."))
            url = reverse("profiles:preferences")
            return redirect(f"{url}?{urlencode({'next': back})}" if back else url)
        return render(
            request, "profiles/preferences.html", {"form": form, "back": back}, status=400
        )
    initial = {key: value for key, value in current.items() if key != "saved"}
    form = DisplayPreferencesForm(initial=initial)
    return render(
        request,
        "profiles/preferences.html",
        {"form": form, "back": back, "saved": current["saved"]},
    )


urlpatterns = [
    path("my/plans/<int:session_id>/", schedule, name="schedule"),
    path("my/cohorts/<int:cohort_id>/stories/<int:scenario_id>/", story, name="story"),
    path("my/display/", preferences, name="preferences"),
    path("cohorts/<int:cohort_id>/adapted/", cohort_plans, name="cohort_plans"),
    path("cohorts/<int:cohort_id>/adapted/<int:session_id>/", trainer_plan, name="trainer_plan"),
]
