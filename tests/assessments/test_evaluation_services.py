"""Programme evaluation rules: built-in questionnaires, scoring with reversed items, consent,
submitting once, invitations following enrolments, reminders, pairing and suppression."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from assessments import evaluation as ev
from assessments.models import (
    EvaluationConsent,
    EvaluationInvitation,
    EvaluationResponse,
    Instrument,
    InstrumentItem,
)
from tests.assessments.conftest_evaluation import (  # noqa: F401 (fixture)
    Timepoint,
    add_pairs,
    all_answers,
    answer,
    evaluation_signals,
    invitation,
    ons,
    recovery,
    schedule,
)
from tests.factories import make_cohort
from training.models import Enrolment

pytestmark = pytest.mark.django_db


# --- the built-in questionnaires ------------------------------------------------------------


def test_the_ons_questions_are_shipped_word_for_word_with_their_licence():
    instrument = ons()
    texts = list(instrument.items.values_list("text", flat=True))
    assert texts == [
        "Overall, how satisfied are you with your life nowadays?",
        "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
        "Overall, how happy did you feel yesterday?",
        "On a scale where 0 is \u201cnot at all anxious\u201d and 10 is "
        "\u201ccompletely anxious\u201d, overall, how anxious did you feel yesterday?",
    ]
    assert (instrument.scale_min, instrument.scale_max) == (0, 10)
    assert (instrument.scale_min_label, instrument.scale_max_label) == ("Not at all", "Completely")
    assert instrument.built_in and instrument.wording_locked
    assert "Office for National Statistics" in instrument.licence
    assert "Open Government Licence" in instrument.licence
    # Each question is its own subscale; only anxiety is turned round.
    assert list(instrument.items.values_list("subscale", "reversed")) == [
        ("life satisfaction", False),
        ("worthwhile", False),
        ("happiness", False),
        ("low anxiety", True),
    ]


def test_the_recovery_questionnaire_has_two_items_per_subscale_and_reversed_items():
    instrument = recovery()
    items = list(instrument.items.all())
    assert len(items) == 12
    subscales = ev.subscales_of(items)
    assert subscales == [
        "hope",
        "wellbeing",
        "inclusion",
        "citizenship",
        "empowerment",
        "meaningful life",
    ]
    assert all(sum(1 for i in items if i.subscale == s) == 2 for s in subscales)
    assert 1 <= sum(i.reversed for i in items) <= 2
    assert instrument.licence.startswith("Written for this project, free to use")
    assert (instrument.scale_min, instrument.scale_max) == (1, 5)
    # No licensed scale comes with the platform.
    names = " ".join(Instrument.objects.values_list("name", flat=True)).lower()
    assert "warwick" not in names and "herth" not in names


# --- scoring -------------------------------------------------------------------------------


def test_reversed_items_are_turned_round_before_the_mean():
    instrument = recovery()
    items = list(instrument.items.all())
    # Agreeing strongly with everything: the two reversed items count as 1.
    scores = ev.score(instrument, items, all_answers(instrument, 5))
    assert scores["hope"] == 5
    assert scores["wellbeing"] == 3  # (5 + 1) / 2
    assert scores["inclusion"] == 3
    assert scores["total"] == round((10 * 5 + 2 * 1) / 12, 2)


def test_sum_scoring_and_the_ons_anxiety_reversal():
    instrument = ons()
    items = list(instrument.items.all())
    answers = {
        "ons_life_satisfaction": 7,
        "ons_worthwhile": 8,
        "ons_happiness": 6,
        "ons_anxiety": 9,
    }
    scores = ev.score(instrument, items, answers)
    assert scores["low anxiety"] == 1  # 0 + 10 - 9
    assert scores["life satisfaction"] == 7
    instrument.scoring = Instrument.Scoring.SUM
    assert ev.score(instrument, items, answers)["total"] == 7 + 8 + 6 + 1


def test_answers_must_be_whole_numbers_on_the_scale():
    instrument = recovery()
    items = list(instrument.items.all())
    raw = all_answers(instrument, "3")
    raw["hope_1"], raw["hope_2"], raw["wellbeing_1"] = "6", "", "three"
    answers, errors = ev.clean_answers(instrument, items, raw)
    assert set(errors) == {"hope_1", "hope_2", "wellbeing_1"}
    assert "Please choose an answer." in errors["hope_2"]
    assert answers["meaning_1"] == 3


# --- consent and submitting ----------------------------------------------------------------


def test_a_questionnaire_needs_consent_first(cohort, programme, trainee):
    plan = schedule(programme, recovery())
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    found = EvaluationInvitation.objects.get(enrolment=enrolment, timepoint=Timepoint.PRE)
    with pytest.raises(ev.EvaluationError, match="agree"):
        ev.submit(found, trainee, all_answers(plan.instrument, 3))
    assert not EvaluationResponse.objects.exists()
    consent = ev.give_consent(trainee)
    assert "only I and the evaluation team" in consent.statement
    ev.submit(found, trainee, all_answers(plan.instrument, 3))
    found.refresh_from_db()
    assert found.completed_at is not None
    assert found.response.scores["total"] == round((10 * 3 + 2 * 3) / 12, 2)


def test_a_second_submission_is_refused_and_the_first_answers_kept(cohort, programme, trainee):
    plan = schedule(programme, recovery())
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    answer(enrolment, plan, Timepoint.PRE, 2)
    found = EvaluationInvitation.objects.get(enrolment=enrolment, timepoint=Timepoint.PRE)
    with pytest.raises(ev.EvaluationError, match="already answered") as refused:
        ev.submit(found, trainee, all_answers(plan.instrument, 5))
    assert refused.value.code == ev.ANSWERED
    # Even with a stale copy of the invitation (a second tab), nothing more is stored.
    stale = EvaluationInvitation.objects.get(pk=found.pk)
    stale.completed_at = None
    with pytest.raises(ev.EvaluationError, match="already answered"):
        ev.submit(stale, trainee, all_answers(plan.instrument, 5))
    assert EvaluationResponse.objects.count() == 1
    assert EvaluationResponse.objects.get().answers["hope_1"] == 2


def test_an_incomplete_questionnaire_stores_nothing(cohort, programme, trainee):
    plan = schedule(programme, recovery())
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    ev.give_consent(trainee)
    found = EvaluationInvitation.objects.get(enrolment=enrolment, timepoint=Timepoint.PRE)
    raw = all_answers(plan.instrument, 4)
    del raw["meaning_2"]
    with pytest.raises(ev.EvaluationError, match="One question has no answer yet") as refused:
        ev.submit(found, trainee, raw)
    assert set(refused.value.errors) == {"meaning_2"}
    found.refresh_from_db()
    assert found.completed_at is None and not EvaluationResponse.objects.exists()


def test_someone_else_cannot_answer_an_invitation(cohort, programme, trainee, other_trainee):
    plan = schedule(programme, recovery())
    found = EvaluationInvitation.objects.get(enrolment__trainee=trainee)
    ev.give_consent(other_trainee)
    with pytest.raises(ev.EvaluationError, match="not yours"):
        ev.submit(found, other_trainee, all_answers(plan.instrument, 3))
    assert not EvaluationResponse.objects.exists()


def test_consent_states_and_saying_no(trainee):
    assert ev.consent_state(trainee) == ev.NOT_ASKED
    ev.decline(trainee)
    assert ev.consent_state(trainee) == ev.WITHDRAWN
    first = ev.give_consent(trainee)
    assert ev.give_consent(trainee) == first  # agreeing twice keeps one row
    assert ev.consent_state(trainee) == ev.GIVEN
    assert ev.withdraw_consent(trainee) == 1
    assert ev.consent_state(trainee) == ev.WITHDRAWN
    assert EvaluationConsent.objects.filter(user=trainee).count() == 2


# --- invitations ---------------------------------------------------------------------------


def test_invitations_follow_enrolments(programme, organisation, trainee, other_trainee):
    plan = schedule(programme, recovery(), follow_up_months=6)
    cohort = make_cohort(programme, organisation, trainees=[trainee])
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    assert list(enrolment.evaluation_invitations.values_list("timepoint", flat=True)) == ["pre"]

    completed = timezone.now().replace(year=2026, month=8, day=31)
    enrolment.status, enrolment.completed_at = Enrolment.Status.COMPLETED, completed
    enrolment.save()
    invitations = {i.timepoint: i for i in enrolment.evaluation_invitations.all()}
    assert set(invitations) == {"pre", "post", "follow_up"}
    assert invitations["post"].opens_at == completed
    # Six months after 31 August is the last day of February.
    assert invitations["follow_up"].opens_at.date() == datetime.date(2027, 2, 28)
    assert invitations["post"].schedule == plan

    # A trainee who left gets nothing new; one who said no neither.
    other = Enrolment.objects.create(
        cohort=cohort, trainee=other_trainee, status=Enrolment.Status.WITHDRAWN
    )
    assert not other.evaluation_invitations.exists()


def test_a_pre_questionnaire_is_not_asked_after_the_training(cohort, programme, trainee):
    schedule(programme, recovery())
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    assert [i.pk for i in ev.waiting_for(trainee)] == [
        enrolment.evaluation_invitations.get(timepoint="pre").pk
    ]
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    # Completion's bulk update sends no signal: the daily command catches up.
    assert ev.waiting_for(trainee) == []
    call_command("schedule_evaluations", stdout=StringIO())
    assert [i.timepoint for i in ev.waiting_for(trainee)] == ["post"]


def test_organisation_schedules_only_reach_that_organisation(
    programme, cohort, other_cohort, organisation
):
    licensed = Instrument.objects.create(
        name="Licensed scale",
        short_name="L",
        organisation=organisation,
        scale_min_label="No",
        scale_max_label="Yes",
    )
    InstrumentItem.objects.create(instrument=licensed, code="q1", text="A question?")
    schedule(programme, licensed, organisation=organisation)
    call_command("schedule_evaluations", stdout=StringIO())
    assert EvaluationInvitation.objects.filter(enrolment__cohort=cohort).count() == 2
    assert not EvaluationInvitation.objects.filter(enrolment__cohort=other_cohort).exists()


def test_withdrawing_stops_invitations_and_reminders(cohort, programme, trainee):
    schedule(programme, recovery())
    ev.give_consent(trainee)
    assert ev.waiting_for(trainee)
    ev.withdraw_consent(trainee)
    assert ev.waiting_for(trainee) == []
    EvaluationInvitation.objects.update(opens_at=timezone.now() - datetime.timedelta(days=30))
    ev.send_reminders()
    assert trainee.email not in [m.to[0] for m in mail.outbox]


# --- reminders -----------------------------------------------------------------------------


def test_the_reminder_command_is_idempotent_and_respects_the_limits(
    cohort, programme, trainee, other_trainee
):
    schedule(programme, recovery(), reminder_days=7, max_reminders=2)
    trainee.email = "trainee@example.org"
    trainee.save()
    other_trainee.email = ""  # many trainees have no email: nothing to send
    other_trainee.save()
    start = timezone.now() - datetime.timedelta(days=8)
    EvaluationInvitation.objects.update(opens_at=start)

    out = StringIO()
    call_command("schedule_evaluations", stdout=out)
    assert "0 invitations created, 1 reminder emails sent." in out.getvalue()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["trainee@example.org"]
    assert "A short questionnaire is waiting for you" == mail.outbox[0].subject
    assert "/" in mail.outbox[0].body and "your choice" in mail.outbox[0].body

    call_command("schedule_evaluations", stdout=StringIO())  # same day: nothing new
    assert len(mail.outbox) == 1
    sent = EvaluationInvitation.objects.get(enrolment__trainee=trainee)
    assert sent.reminders_sent == 1 and sent.last_reminded_at is not None

    later = timezone.now() + datetime.timedelta(days=8)
    assert ev.send_reminders(now=later) == 1
    assert ev.send_reminders(now=later + datetime.timedelta(days=8)) == 0  # max 2 reached
    sent.refresh_from_db()
    assert sent.reminders_sent == 2


def test_no_reminder_once_answered(cohort, programme, trainee):
    plan = schedule(programme, recovery(), reminder_days=1)
    trainee.email = "trainee@example.org"
    trainee.save()
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    answer(enrolment, plan, Timepoint.PRE, 3)
    EvaluationInvitation.objects.update(opens_at=timezone.now() - datetime.timedelta(days=5))
    assert ev.send_reminders() == 0


# --- pairing and suppression ---------------------------------------------------------------


def test_pairs_give_mean_before_after_and_change(cohort, programme):
    plan = schedule(programme, recovery())
    add_pairs(cohort, plan, 5, before=2, after=4)
    # Someone who answered only before is counted but not paired.
    lone = add_pairs(cohort, plan, 1, before=3, after=3, prefix="lone")[0]
    EvaluationResponse.objects.filter(
        invitation__enrolment=lone, invitation__timepoint=Timepoint.POST
    ).delete()

    report = ev.build_report(plan.instrument, [cohort], label="All")
    assert report.overall.n_pairs == 5
    assert report.overall.answered_before == 6 and report.overall.answered_after == 5
    assert not report.overall.suppressed
    hope = next(r for r in report.overall.rows if r.key == "hope")
    assert (hope.before, hope.after, hope.change, hope.n) == (2, 4, 2, 5)
    wellbeing = next(r for r in report.overall.rows if r.key == "wellbeing")
    # The reversed item moves the other way: (2 + 4) / 2 before, (4 + 2) / 2 after.
    assert (wellbeing.before, wellbeing.after, wellbeing.change) == (3, 3, 0)
    assert report.overall.rows[-1].key == "total"
    assert report.chart and len(report.chart["bars"]) == 7
    codes = [p.pseudonym for p in report.pairs]
    assert all(code.startswith("P-") and len(code) == 8 for code in codes)
    assert len(set(codes)) == 5


def test_groups_of_fewer_than_five_pairs_are_too_few_to_show(cohort, programme, organisation):
    plan = schedule(programme, recovery())
    small = make_cohort(programme, organisation, name="Small group")
    add_pairs(cohort, plan, 5)
    add_pairs(small, plan, 4)
    report = ev.build_report(plan.instrument, [cohort, small], label="All")
    by_name = {g.label: g for g in report.cohorts}
    assert not by_name[cohort.name].suppressed
    assert by_name["Small group"].suppressed and by_name["Small group"].rows == []
    assert by_name["Small group"].n_pairs == 4
    assert report.overall.n_pairs == 9
    with override_settings(EVALUATION_MIN_GROUP=10):
        again = ev.build_report(plan.instrument, [cohort, small], label="All")
    assert again.overall.suppressed and again.chart is None


def test_withdrawn_answers_leave_the_report(cohort, programme):
    plan = schedule(programme, recovery())
    people = add_pairs(cohort, plan, 6)
    ev.withdraw_consent(people[0].trainee)
    report = ev.build_report(plan.instrument, [cohort], label="All")
    assert report.overall.n_pairs == 5
    assert ev.pseudonym(people[0].pk) not in [p.pseudonym for p in report.pairs]


def test_the_pseudonym_is_stable_and_depends_on_the_secret_key():
    code = ev.pseudonym(42)
    assert code == ev.pseudonym(42) and code != ev.pseudonym(43)
    with override_settings(SECRET_KEY="another-secret-key"):
        assert ev.pseudonym(42) != code
