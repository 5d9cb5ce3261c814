"""The demo's evaluation: both built-in questionnaires scheduled for the demo programme, eight
Kent trainees answered before and after, Marie has one waiting. Loading twice changes
nothing."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from assessments import demo_evaluation
from assessments import evaluation as ev
from assessments.models import (
    EvaluationConsent,
    EvaluationInvitation,
    EvaluationResponse,
    EvaluationSchedule,
    Instrument,
)
from tests.assessments.conftest_evaluation import evaluation_signals  # noqa: F401 (fixture)
from training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        EvaluationSchedule.objects.count(),
        EvaluationInvitation.objects.count(),
        EvaluationResponse.objects.count(),
        EvaluationConsent.objects.count(),
        sorted(EvaluationResponse.objects.values_list("invitation_id", "answers__hope_1")),
    )


def test_the_demo_shows_paired_change_for_kent_and_marie_has_a_questionnaire_waiting():
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    assert demo_evaluation.load(stdout=out) == 16
    assert "questionnaire waiting" in out.getvalue()
    first = snapshot()
    demo_evaluation.load()
    assert snapshot() == first

    kent = Cohort.objects.get(name="Kent, spring 2027")
    # The delivery demo's enrolments stay as they were.
    assert set(kent.enrolments.values_list("status", flat=True)) == {Enrolment.Status.ACTIVE}
    for short_name in ("Recovery", "ONS4"):
        instrument = Instrument.objects.get(short_name=short_name, built_in=True)
        report = ev.build_report(instrument, [kent], label=kent.name)
        assert report.overall.n_pairs == 8 and not report.overall.suppressed
        total = report.overall.rows[-1]
        assert total.key == "total" and total.change > 0

    marie = User.objects.get(username="marie")
    assert ev.consent_state(marie) == ev.NOT_ASKED
    assert {i.schedule.instrument.short_name for i in ev.waiting_for(marie)} == {"Recovery", "ONS4"}


def test_reloading_the_demo_resets_maries_walk_through():
    call_command("load_demo", stdout=StringIO())
    demo_evaluation.load()
    marie = User.objects.get(username="marie")
    ev.give_consent(marie)
    waiting = ev.waiting_for(marie)[0]
    ev.submit(waiting, marie, {item.code: 3 for item in waiting.schedule.instrument.items.all()})
    demo_evaluation.load()
    assert ev.consent_state(marie) == ev.NOT_ASKED
    assert len(ev.waiting_for(marie)) == 2
