"""A programme that ``trainee`` has completed and ``other_trainee`` has not, with credit
mappings, ready for certificates."""

from decimal import Decimal

import pytest

from certificates.models import CreditFramework, CreditMapping
from tests.factories import activity, make_scheduled_session, make_session, mark
from training.completion import recompute_enrolments
from training.models import CompletionRule, Enrolment


@pytest.fixture
def sessions(programme):
    return [
        make_session(programme, number=n, title=f"Session {n}", activities=[activity()])
        for n in (1, 2)
    ]


@pytest.fixture
def completed(cohort, sessions, trainee, other_trainee):
    """``trainee`` attended both sessions (complete); ``other_trainee`` only the first."""
    CompletionRule.objects.create(
        programme=cohort.programme,
        worksheets=CompletionRule.WorksheetRequirement.NONE,
        assessments=CompletionRule.AssessmentRequirement.NONE,
    )
    meetings = [
        make_scheduled_session(cohort, plan, days_from_now=-20 + i)
        for i, plan in enumerate(sessions)
    ]
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    other = Enrolment.objects.get(cohort=cohort, trainee=other_trainee)
    for meeting in meetings:
        mark(meeting, enrolment)
    mark(meetings[0], other)
    recompute_enrolments([enrolment.pk, other.pk])
    enrolment.refresh_from_db()
    return enrolment


@pytest.fixture
def not_completed(completed, cohort, other_trainee):
    return Enrolment.objects.get(cohort=cohort, trainee=other_trainee)


@pytest.fixture
def credit_mappings(programme):
    """An indicative ECTS mapping and a recognised RQF one for the programme."""
    ects = CreditMapping.objects.create(
        framework=CreditFramework.objects.get(short_name="ECTS"),
        programme=programme,
        contact_hours=Decimal("30"),
        self_study_hours=Decimal("15"),
        placement_hours=Decimal("15"),
    )
    rqf = CreditMapping.objects.create(
        framework=CreditFramework.objects.get(short_name="RQF"),
        programme=programme,
        contact_hours=Decimal("30"),
        self_study_hours=Decimal("10"),
        level="2",
        credits=Decimal("4"),
        basis=CreditMapping.Basis.RECOGNISED,
        recognised_by="Kent Adult Learning Awards",
        agreement_reference="KALA-2026-014",
        agreed_on="2026-03-01",
    )
    return ects, rqf
