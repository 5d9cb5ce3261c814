"""Fixtures for the self-assessment and completion provider tests (imported explicitly)."""

import datetime

import pytest
from django.utils import timezone

from assessments.models import SelfAssessment
from lms.roles import Role
from tests.factories import UserFactory, make_scheduled_session, make_session
from training.models import Enrolment

OUTCOMES = (
    "Define the role of a peer supporter",
    "Name three responsibilities of a peer supporter",
    "Explain what confidentiality asks of me",
)


@pytest.fixture
def plan(programme):
    return make_session(programme, number=1, title="What peer support is", outcomes=OUTCOMES)


@pytest.fixture
def sa(plan):
    return SelfAssessment.objects.create(session_plan=plan, introduction="Tell us how sure.")


@pytest.fixture
def enrolment(cohort, trainee):
    return Enrolment.objects.get(cohort=cohort, trainee=trainee)


@pytest.fixture
def other_enrolment(cohort, other_trainee):
    return Enrolment.objects.get(cohort=cohort, trainee=other_trainee)


@pytest.fixture
def started(cohort, plan):
    """The cohort's meeting of the plan, started an hour ago."""
    return make_scheduled_session(
        cohort, plan, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )


@pytest.fixture
def upcoming(cohort, plan):
    return make_scheduled_session(cohort, plan, days_from_now=3)


def outcome_ids(plan):
    return [o.pk for o in plan.learning_outcomes.order_by("sort_order", "pk")]


def answers(plan, *values):
    """``{outcome_id: value}`` for the plan's outcomes in order."""
    return dict(zip(outcome_ids(plan), values, strict=True))


def form_data(plan, phase, *values):
    data = {"phase": phase}
    for pk, value in zip(outcome_ids(plan), values, strict=False):
        data[f"outcome-{pk}"] = str(value)
    return data


def enrol_many(cohort, count):
    """``count`` more trainees in the cohort; returns their enrolments."""
    made = []
    for _n in range(count):
        user = UserFactory(roles=[Role.TRAINEE])
        made.append(Enrolment.objects.create(cohort=cohort, trainee=user))
    return made
