"""Fixtures the delivery tests share: a three-session programme scheduled for ``cohort``."""

import pytest

from tests.factories import make_scheduled_session, make_session
from training.models import Enrolment


@pytest.fixture
def session_plans(programme):
    """Three published session plans of ``programme``, numbered 1 to 3."""
    return [make_session(programme, number=n, title=f"Session {n}") for n in (1, 2, 3)]


@pytest.fixture
def scheduled(cohort, session_plans):
    """``cohort``'s meetings: session 1 held a week ago, sessions 2 and 3 in the future."""
    return [
        make_scheduled_session(cohort, session_plans[0], days_from_now=-7),
        make_scheduled_session(cohort, session_plans[1], days_from_now=7),
        make_scheduled_session(cohort, session_plans[2], days_from_now=14),
    ]


@pytest.fixture
def enrolment(cohort, trainee):
    return Enrolment.objects.get(cohort=cohort, trainee=trainee)


@pytest.fixture
def other_enrolment(cohort, other_trainee):
    return Enrolment.objects.get(cohort=cohort, trainee=other_trainee)
