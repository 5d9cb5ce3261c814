"""Reads that the trainee and trainer pages of adapted cohorts share."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import StoryChoice

# How many upcoming plans the trainee home lists at most.
HOME_PLANS = 3


def share_date(scheduled_session, profile):
    """The first day a trainee can see the visual schedule of ``scheduled_session``."""
    day = timezone.localdate(scheduled_session.starts_at)
    return day - datetime.timedelta(days=profile.share_schedule_days_before)


def is_shared(scheduled_session, profile, *, today=None):
    today = today or timezone.localdate()
    return share_date(scheduled_session, profile) <= today


def schedule_available(scheduled_session):
    """True when this session has a visual schedule at all: a training session with a plan,
    not cancelled, in a cohort whose profile shows schedules. ``cohort__profile`` should be
    loaded with the session."""
    profile = scheduled_session.cohort.profile
    return bool(
        profile is not None
        and profile.show_visual_schedule
        and scheduled_session.session_plan_id
        and not scheduled_session.cancelled
    )


def plans_to_share(user, *, today=None):
    """The trainee's upcoming sessions whose visual schedule is shared already, soonest
    first: what the home page links to as "Your plan for Tuesday". One query."""
    from training.models import Enrolment, ScheduledSession

    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    cohorts = (
        Enrolment.objects.filter(trainee=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("cohort_id")
    )
    sessions = (
        ScheduledSession.objects.filter(
            cohort__in=cohorts,
            cohort__profile__show_visual_schedule=True,
            session_plan__isnull=False,
            cancelled=False,
            starts_at__gte=start_of_today,
        )
        .select_related("cohort__profile", "session_plan")
        .order_by("starts_at", "pk")
    )
    # The share window is at most 60 days (the profile's validator): no need to read more.
    shared = []
    for session in sessions[:20]:
        if is_shared(session, session.cohort.profile, today=today):
            shared.append(session)
        if len(shared) == HOME_PLANS:
            break
    return shared


def plans_from_cards(cards, *, today=None):
    """The same as ``plans_to_share`` for the trainee home, read from the next sessions that
    its progress cards (``training.views.completion.progress_cards``) loaded already: no
    query for a trainee whose cohorts have no profile, one for the profiles otherwise."""
    from .models import AdaptationProfile

    candidates = []
    for card in cards:
        session = card.next_session
        cohort = card.cohort
        # A catch-up with another group follows that group's plan, not this one's profile.
        if session is None or session.cohort_id != cohort.pk or cohort.profile_id is None:
            continue
        if session.session_plan_id and not session.cancelled:
            candidates.append((session, cohort))
    if not candidates:
        return []
    profiles = AdaptationProfile.objects.in_bulk({cohort.profile_id for _s, cohort in candidates})
    shared = []
    for session, cohort in candidates:
        profile = profiles.get(cohort.profile_id)
        if profile is None or not profile.show_visual_schedule:
            continue
        if is_shared(session, profile, today=today):
            shared.append(session)
    return shared[:HOME_PLANS]


def story_choices(enrolment):
    """The enrolment's choices about stories, by case scenario id."""
    if enrolment is None:
        return {}
    choices = StoryChoice.objects.filter(enrolment=enrolment)
    return {choice.scenario_id: choice for choice in choices}


def stepped_out(cohort, scenarios=None):
    """Who stepped out of which story in this cohort, by scenario id, names in order."""
    choices = StoryChoice.objects.filter(
        enrolment__cohort=cohort, choice=StoryChoice.Choice.STEPPED_OUT
    ).select_related("enrolment__trainee", "scenario")
    if scenarios is not None:
        choices = choices.filter(scenario__in=[scenario.pk for scenario in scenarios])
    found = {}
    for choice in choices.order_by("scenario__title", "enrolment__trainee__first_name", "pk"):
        found.setdefault(choice.scenario_id, []).append(choice)
    return found
