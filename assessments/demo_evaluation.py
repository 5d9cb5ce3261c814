"""Evaluation data for ``manage.py load_demo``: both built-in questionnaires scheduled for the
demo programme, and before and after answers from eight of the nine Kent trainees, so the
paired report for "Kent, spring 2027" shows change. Marie has not been asked yet: her home
page shows "A short questionnaire is waiting", with the consent step first.

The demo enrolments stay "active" (the delivery demo depends on that), so the "after"
invitations are created here directly rather than by completing anyone.

Safe to run again: rows are found by their natural keys and set to the same values; Marie's
consent and answers are reset so the walk-through always starts from the beginning.
"""

import datetime

from django.utils import timezone

from curriculum.demo_content import COHORT, ORGANISATION, PROGRAMME
from curriculum.models import ProgrammePage
from lms.page_translations import in_library
from training.models import Cohort, Enrolment

from .evaluation import CONSENT_STATEMENT, ensure_invitations, score
from .models import (
    EvaluationConsent,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSchedule,
    Instrument,
)

Timepoint = EvaluationInvitation.Timepoint
BUILT_IN = ("ONS4", "Recovery")
WAITING = "marie"
FOLLOW_UP_MONTHS = 6


def demo_answer(instrument, item, person, position, timepoint):
    """A made-up but plausible answer: a little better after than before, different for
    each person and question, always on the scale. Reversed items move the other way."""
    low, high = instrument.scale_min, instrument.scale_max
    span = high - low
    wobble = (person * 3 + position * 2) % 3 - 1  # -1, 0 or 1
    # Some people gain more than others; nobody the same way on every question.
    gain = 0.08 + 0.04 * (person % 5) + (0.05 if (person + position) % 3 == 0 else 0)
    middle = low + span * (0.45 if timepoint == Timepoint.PRE else 0.45 + gain)
    step = max(1, span // 8)
    value = round(middle) + wobble * step
    if item.reversed:
        value = low + high - value
    return max(low, min(high, value))


def load(*, stdout=None):
    programme = in_library(ProgrammePage.objects.filter(slug=PROGRAMME["slug"])).get()
    cohort = Cohort.objects.get(name=COHORT["name"], organisation__slug=ORGANISATION["slug"])
    instruments = list(
        Instrument.objects.filter(built_in=True, short_name__in=BUILT_IN)
        .prefetch_related("items")
        .order_by("short_name")
    )
    schedules = []
    for instrument in instruments:
        schedule, _created = EvaluationSchedule.objects.update_or_create(
            programme=programme,
            instrument=instrument,
            organisation=None,
            defaults={
                "at_enrolment": True,
                "at_completion": True,
                "follow_up_months": FOLLOW_UP_MONTHS,
                "reminder_days": 7,
                "max_reminders": 2,
            },
        )
        schedules.append(schedule)

    enrolments = list(
        Enrolment.objects.filter(cohort__programme=programme)
        .select_related("cohort", "trainee")
        .order_by("trainee__username")
    )
    # Marie starts from the beginning every time the demo loads.
    EvaluationConsent.objects.filter(user__username=WAITING).delete()
    EvaluationResponse.objects.filter(
        invitation__enrolment__trainee__username=WAITING,
        invitation__enrolment__cohort=cohort,
    ).delete()
    EvaluationInvitation.objects.filter(
        enrolment__trainee__username=WAITING, enrolment__cohort=cohort
    ).update(completed_at=None, reminders_sent=0, last_reminded_at=None)
    ensure_invitations(enrolments)

    now = timezone.now()
    before, after = now - datetime.timedelta(days=14), now - datetime.timedelta(hours=2)
    kent = [e for e in enrolments if e.cohort_id == cohort.pk and e.trainee.username != WAITING]
    pairs = 0
    for person, enrolment in enumerate(kent):
        if not EvaluationConsent.objects.filter(
            user=enrolment.trainee, withdrawn_at__isnull=True
        ).exists():
            EvaluationConsent.objects.filter(user=enrolment.trainee).delete()
            EvaluationConsent.objects.create(
                user=enrolment.trainee, statement=str(CONSENT_STATEMENT)
            )
        for schedule in schedules:
            instrument = schedule.instrument
            items = list(instrument.items.all())
            for timepoint, when in ((Timepoint.PRE, before), (Timepoint.POST, after)):
                invitation, _created = EvaluationInvitation.objects.update_or_create(
                    enrolment=enrolment,
                    schedule=schedule,
                    timepoint=timepoint,
                    defaults={"opens_at": when, "completed_at": when},
                )
                answers = {
                    item.code: demo_answer(instrument, item, person, position, timepoint)
                    for position, item in enumerate(items)
                }
                response, _created = EvaluationResponse.objects.update_or_create(
                    invitation=invitation,
                    defaults={
                        "instrument": instrument,
                        "answers": answers,
                        "scores": score(instrument, items, answers),
                    },
                )
                EvaluationResponse.objects.filter(pk=response.pk).update(submitted_at=when)
            pairs += 1
    if stdout is not None:
        stdout.write(
            f"  evaluation: {len(schedules)} questionnaires scheduled, {len(kent)} Kent trainees "
            f"answered before and after; '{WAITING}' has a questionnaire waiting"
        )
    return pairs
