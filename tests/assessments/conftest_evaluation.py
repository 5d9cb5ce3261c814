"""Shared helpers for the evaluation tests (imported explicitly by each test module)."""

import pytest
from django.utils import timezone

from assessments import evaluation as ev
from assessments import signals_evaluation
from assessments.models import (
    EvaluationConsent,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSchedule,
    Instrument,
)
from lms.roles import Role
from tests.factories import UserFactory
from training.models import Enrolment

Timepoint = EvaluationInvitation.Timepoint


@pytest.fixture(autouse=True)
def evaluation_signals():
    # The lead wires connect() into AssessmentsConfig.ready; connecting again is harmless.
    signals_evaluation.connect()


def recovery():
    return Instrument.objects.get(short_name="Recovery", built_in=True)


def ons():
    return Instrument.objects.get(short_name="ONS4", built_in=True)


def schedule(programme, instrument, **fields):
    return EvaluationSchedule.objects.create(programme=programme, instrument=instrument, **fields)


def all_answers(instrument, value):
    """The same answer to every item (``value`` may be a function of the item)."""
    return {
        item.code: (value(item) if callable(value) else value) for item in instrument.items.all()
    }


def invitation(enrolment, plan, timepoint=Timepoint.PRE):
    found, _ = EvaluationInvitation.objects.get_or_create(
        enrolment=enrolment,
        schedule=plan,
        timepoint=timepoint,
        defaults={"opens_at": timezone.now()},
    )
    return found


def answer(enrolment, plan, timepoint, value):
    """Store a response as the trainee would (consent first, then submit)."""
    ev.give_consent(enrolment.trainee)
    found = invitation(enrolment, plan, timepoint)
    return ev.submit(found, enrolment.trainee, all_answers(plan.instrument, value))


def add_pairs(cohort, plan, count, *, before=2, after=4, prefix="pair"):
    """``count`` new trainees in ``cohort`` who answered before and after. Responses are
    written directly, in bulk, so big groups stay quick to build."""
    instrument = plan.instrument
    items = list(instrument.items.all())
    enrolments = []
    for index in range(count):
        user = UserFactory(username=f"{prefix}{cohort.pk}_{index}", roles=[Role.TRAINEE])
        enrolments.append(Enrolment.objects.create(cohort=cohort, trainee=user))
    EvaluationConsent.objects.bulk_create(
        [EvaluationConsent(user=e.trainee, statement="yes") for e in enrolments]
    )
    now = timezone.now()
    for timepoint, value in ((Timepoint.PRE, before), (Timepoint.POST, after)):
        for enrolment in enrolments:
            found = invitation(enrolment, plan, timepoint)
            answers = {item.code: value for item in items}
            EvaluationResponse.objects.create(
                invitation=found,
                instrument=instrument,
                answers=answers,
                scores=ev.score(instrument, items, answers),
            )
            EvaluationInvitation.objects.filter(pk=found.pk).update(completed_at=now)
    return enrolments
