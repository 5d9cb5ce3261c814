"""Self-assessment for ``manage.py load_demo``: turned on for the demo session (session 2),
with "before" and "after" answers from several Kent trainees so the trainer's counts show
something, and Marie with only "before" so she has one to do when she logs in.

Safe to run again: the self-assessment is found by its session plan and ratings are saved
through ``record_ratings``, which updates the same rows instead of adding new ones.
"""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from curriculum.models import ProgrammePage, SessionPlanPage
from lms.page_translations import in_library
from training.models import CompletionRule, Enrolment

from .models import SelfAssessment, SelfRating
from .self_assessment import cohort_meeting, outcomes_of, record_ratings

PROGRAMME_SLUG = "peer-support-agent"
COHORT_NAME = "Kent, spring 2027"
SESSION_NUMBER = 2

INTRODUCTION = (
    "Read each sentence and pick how sure you feel about it today. You answer once at the "
    "start and once at the end, so you can see what changed."
)

# Per trainee: a value (1-5) for each outcome of session 2, in order, before and after.
# None for "after" leaves it to do.
RATINGS = {
    "marie": ([2, 1, 3], None),
    "mark": ([1, 2, 2], [3, 3, 4]),
    "yazid": ([3, 2, 3], [4, 4, 4]),
    "an": ([2, 3, 4], [3, 3, 5]),
    "fatima": ([1, 1, 2], [3, 2, 4]),
    "abdoulkader": ([4, 3, 3], [4, 4, 3]),
    "lucie": ([3, 3, 2], [5, 4, 4]),
}


def load(*, stdout=None):
    """Turn on the self-assessment for the demo session and rate it. Returns the
    self-assessment, or None when the demo curriculum is not loaded."""
    programme = in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).first()
    plan = (
        SessionPlanPage.objects.child_of(programme).filter(number=SESSION_NUMBER).first()
        if programme
        else None
    )
    if plan is None:
        if stdout:
            stdout.write("  self-assessment: the demo programme is missing, nothing loaded")
        return None
    sa, _created = SelfAssessment.objects.update_or_create(
        session_plan=plan,
        defaults={
            "introduction": INTRODUCTION,
            "after": SelfAssessment.AfterWhen.END_OF_SESSION,
            "counts_towards_completion": True,
        },
    )
    # The demo's rule asks for self-assessments, so they show up in "what is left".
    rule = CompletionRule.objects.filter(programme=programme).first()
    if rule is not None and not rule.self_assessments:
        rule.self_assessments = True
        rule.save()

    outcomes = outcomes_of(plan)
    enrolments = {
        e.trainee.username: e
        for e in Enrolment.objects.filter(
            cohort__name=COHORT_NAME, cohort__programme=programme
        ).select_related("trainee", "cohort__programme")
    }
    rated = 0
    for username, (before, after) in RATINGS.items():
        enrolment = enrolments.get(username)
        if enrolment is None or not enrolment.can_work:
            continue
        user = User.objects.get(username=username)
        # Start again from the demo's answers: a second load gives the same rows, and
        # Marie's "after" stays to do even if someone gave it since the last load.
        SelfRating.objects.filter(enrolment=enrolment, self_assessment=sa).delete()
        record_ratings(
            enrolment=enrolment,
            self_assessment=sa,
            phase=SelfRating.Phase.BEFORE,
            values=_values(outcomes, before),
            user=user,
        )
        meeting = cohort_meeting(enrolment.cohort, plan)
        if after and meeting is not None:
            # The demo session is under way; should it start later than now (a changed
            # calendar), the answers are dated as given once it started.
            now = timezone.now()
            if meeting is not None and meeting.starts_at > now:
                now = meeting.starts_at + datetime.timedelta(minutes=1)
            record_ratings(
                enrolment=enrolment,
                self_assessment=sa,
                phase=SelfRating.Phase.AFTER,
                values=_values(outcomes, after),
                user=user,
                now=now,
            )
        rated += 1
    if stdout:
        stdout.write(
            f"  self-assessment for session {plan.number}: {len(outcomes)} statements, "
            f"{rated} trainees answered (marie still has 'after' to do)"
        )
    return sa


def _values(outcomes, values):
    # More outcomes than demo values (an editor added one): repeat the last value.
    return {
        outcome.pk: values[min(index, len(values) - 1)] for index, outcome in enumerate(outcomes)
    }
