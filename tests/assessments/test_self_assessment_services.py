"""Self-assessment rules: saving all outcomes at once, timing, change and group counts."""

# Fixtures are imported from conftest_self_assessment by name, so pytest finds them.
# ruff: noqa: F811

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import self_assessment as services
from assessments.models import SelfAssessment, SelfRating
from curriculum.models import SessionLearningOutcome
from tests.factories import make_session
from training.models import Enrolment
from training.signals import progress_inputs_changed

from .conftest_self_assessment import (  # noqa: F401
    answers,
    enrol_many,
    enrolment,
    other_enrolment,
    outcome_ids,
    plan,
    sa,
    started,
    upcoming,
)

pytestmark = pytest.mark.django_db
BEFORE, AFTER = SelfRating.Phase.BEFORE, SelfRating.Phase.AFTER


def record(enrolment, sa, phase, values, user=None):
    return services.record_ratings(
        enrolment=enrolment,
        self_assessment=sa,
        phase=phase,
        values=values,
        user=user or enrolment.trainee,
    )


def stored(enrolment, phase=None):
    rows = SelfRating.objects.filter(enrolment=enrolment)
    if phase:
        rows = rows.filter(phase=phase)
    return sorted(rows.values_list("outcome_text", "phase", "value"))


# --- saving -----------------------------------------------------------------------------------


def test_before_saves_one_rating_per_outcome_with_its_wording(enrolment, sa, plan, trainee):
    record(enrolment, sa, BEFORE, answers(plan, 1, 3, 5))
    rows = SelfRating.objects.filter(enrolment=enrolment).order_by("outcome__sort_order")
    assert [(r.outcome_text, r.value, r.phase) for r in rows] == [
        ("Define the role of a peer supporter", 1, "before"),
        ("Name three responsibilities of a peer supporter", 3, "before"),
        ("Explain what confidentiality asks of me", 5, "before"),
    ]
    assert all(r.rated_by == trainee for r in rows)


def test_a_second_submit_updates_and_never_duplicates(enrolment, sa, plan):
    record(enrolment, sa, BEFORE, answers(plan, 1, 1, 1))
    record(enrolment, sa, BEFORE, answers(plan, 2, 4, 2))
    assert SelfRating.objects.filter(enrolment=enrolment).count() == 3
    assert [value for _text, _phase, value in stored(enrolment)] == [2, 2, 4]  # by text


@pytest.mark.parametrize("bad", [0, 6, "abc", "", None, "3.5"])
def test_a_value_outside_the_scale_is_refused_and_nothing_is_saved(enrolment, sa, plan, bad):
    values = answers(plan, 2, 2, 2)
    values[outcome_ids(plan)[1]] = bad
    with pytest.raises(ValidationError) as caught:
        record(enrolment, sa, BEFORE, values)
    assert "Choose one of the five answers" in caught.value.messages[0]
    assert "Not yet" in caught.value.messages[0] and "Fully" in caught.value.messages[0]
    assert not SelfRating.objects.exists()


def test_an_outcome_of_another_session_is_refused(enrolment, sa, plan, programme):
    other = make_session(programme, number=2, outcomes=("Listen without judging",))
    values = answers(plan, 2, 2, 2)
    values[other.learning_outcomes.get().pk] = 3
    with pytest.raises(ValidationError, match="statement of another session"):
        record(enrolment, sa, BEFORE, values)
    assert not SelfRating.objects.exists()


def test_every_outcome_must_be_answered(enrolment, sa, plan):
    values = answers(plan, 2, 2, 2)
    del values[outcome_ids(plan)[2]]
    with pytest.raises(ValidationError) as caught:
        record(enrolment, sa, BEFORE, values)
    assert "Choose an answer for every statement" in caught.value.messages[0]
    assert "Explain what confidentiality asks of me" in caught.value.messages[0]
    assert not SelfRating.objects.exists()


def test_after_waits_for_the_session_to_start(enrolment, sa, plan, upcoming):
    record(enrolment, sa, BEFORE, answers(plan, 2, 2, 2))
    with pytest.raises(ValidationError, match="once it has started"):
        record(enrolment, sa, AFTER, answers(plan, 4, 4, 4))
    assert stored(enrolment, AFTER) == []


def test_after_is_refused_without_a_meeting_on_the_calendar(enrolment, sa, plan):
    record(enrolment, sa, BEFORE, answers(plan, 2, 2, 2))
    with pytest.raises(ValidationError, match="once it has started"):
        record(enrolment, sa, AFTER, answers(plan, 4, 4, 4))


def test_after_needs_before_first(enrolment, sa, plan, started):
    with pytest.raises(ValidationError, match="fill in “before” first"):
        record(enrolment, sa, AFTER, answers(plan, 4, 4, 4))
    assert not SelfRating.objects.exists()


def test_after_is_saved_once_the_session_started(enrolment, sa, plan, started):
    record(enrolment, sa, BEFORE, answers(plan, 1, 2, 3))
    record(enrolment, sa, AFTER, answers(plan, 3, 2, 5))
    assert len(stored(enrolment, AFTER)) == 3
    # Changing "after" later updates it.
    record(enrolment, sa, AFTER, answers(plan, 4, 2, 5))
    assert SelfRating.objects.filter(enrolment=enrolment, phase=AFTER).count() == 3


def test_after_for_next_session_follows_the_same_timing(enrolment, sa, plan, started):
    sa.after = SelfAssessment.AfterWhen.NEXT_SESSION
    sa.save()
    record(enrolment, sa, BEFORE, answers(plan, 1, 2, 3))
    record(enrolment, sa, AFTER, answers(plan, 2, 2, 3))
    assert len(stored(enrolment, AFTER)) == 3


def test_before_closes_once_after_is_complete_and_reopens_for_a_new_outcome(
    enrolment, sa, plan, started
):
    record(enrolment, sa, BEFORE, answers(plan, 1, 2, 3))
    record(enrolment, sa, AFTER, answers(plan, 3, 3, 3))
    with pytest.raises(ValidationError, match="“before” is closed"):
        record(enrolment, sa, BEFORE, answers(plan, 5, 5, 5))
    assert [v for _t, _p, v in stored(enrolment, BEFORE)] == [1, 3, 2]  # by text

    SessionLearningOutcome.objects.create(page=plan, text="Say no kindly", sort_order=9)
    record(enrolment, sa, BEFORE, {**answers(plan, 1, 2, 3, 1)})
    assert len(stored(enrolment, BEFORE)) == 4


def test_a_trainee_who_left_cannot_answer(enrolment, sa, plan):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    with pytest.raises(ValidationError, match="no longer taking part"):
        record(enrolment, sa, BEFORE, answers(plan, 1, 2, 3))


def test_a_session_of_another_programme_is_refused(enrolment, trainee):
    from tests.factories import make_programme

    elsewhere = make_session(make_programme("Other course"), number=1, outcomes=("Cook",))
    other_sa = SelfAssessment.objects.create(session_plan=elsewhere)
    with pytest.raises(ValidationError, match="not part of your programme"):
        record(enrolment, other_sa, BEFORE, {elsewhere.learning_outcomes.get().pk: 3})


def test_an_unknown_phase_is_refused(enrolment, sa, plan):
    with pytest.raises(ValidationError, match="before or after"):
        record(enrolment, sa, "during", answers(plan, 1, 2, 3))


def test_completion_hears_about_it_once_committed(
    enrolment, sa, plan, django_capture_on_commit_callbacks
):
    heard = []

    def listen(sender, enrolment_ids=(), **kwargs):
        heard.append(list(enrolment_ids))

    progress_inputs_changed.connect(listen, dispatch_uid="test.listen")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            record(enrolment, sa, BEFORE, answers(plan, 1, 2, 3))
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        progress_inputs_changed.disconnect(dispatch_uid="test.listen")
    assert [enrolment.pk] in heard


# --- reading back -----------------------------------------------------------------------------


def test_change_per_outcome_with_difference_and_removed_outcomes(enrolment, sa, plan, started):
    record(enrolment, sa, BEFORE, answers(plan, 1, 4, 3))
    record(enrolment, sa, AFTER, answers(plan, 3, 2, 3))
    changes = services.trainee_change(enrolment, sa)
    assert [(c.before, c.after, c.difference) for c in changes] == [
        (1, 3, 2),
        (4, 2, -2),
        (3, 3, 0),
    ]
    assert changes[0].before_label == "Not yet" and changes[0].after_label == "Partly"
    assert changes[1].steps == 2

    plan.learning_outcomes.filter(text__startswith="Name three").delete()
    changes = services.trainee_change(enrolment, sa)
    assert [c.text for c in changes] == [
        "Define the role of a peer supporter",
        "Explain what confidentiality asks of me",
        "Name three responsibilities of a peer supporter",
    ]
    assert (changes[-1].before, changes[-1].after) == (4, 2)


def test_change_before_after_is_given(enrolment, sa, plan):
    record(enrolment, sa, BEFORE, answers(plan, 1, 4, 3))
    changes = services.trainee_change(enrolment, sa)
    assert [(c.before, c.after, c.difference) for c in changes] == [
        (1, None, None),
        (4, None, None),
        (3, None, None),
    ]


def test_group_counts_and_median_per_outcome_and_phase(
    cohort, enrolment, other_enrolment, sa, plan, started, other_cohort
):
    third, withdrawn = enrol_many(cohort, 2)
    record(enrolment, sa, BEFORE, answers(plan, 1, 2, 3))
    record(other_enrolment, sa, BEFORE, answers(plan, 2, 2, 3))
    record(third, sa, BEFORE, answers(plan, 2, 5, 3))
    record(enrolment, sa, AFTER, answers(plan, 4, 4, 4))
    record(withdrawn, sa, BEFORE, answers(plan, 5, 5, 5))
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=Enrolment.Status.WITHDRAWN)
    # Another organisation's group on the same programme is not counted.
    stranger = other_cohort.enrolments.get()
    stranger.cohort = other_cohort
    SelfRating.objects.create(
        enrolment=stranger,
        self_assessment=sa,
        outcome_id=outcome_ids(plan)[0],
        outcome_text="x",
        phase=BEFORE,
        value=5,
    )

    first, second, _third = services.cohort_distribution(cohort, sa)
    assert [count for _v, _l, count in first.before.counts] == [1, 2, 0, 0, 0]
    assert first.before.total == 3 and first.before.median == 2
    assert first.before.median_label == "A little"
    assert [count for _v, _l, count in first.after.counts] == [0, 0, 0, 1, 0]
    assert first.after.median == 4
    assert [count for _v, _l, count in second.before.counts] == [0, 2, 0, 0, 1]
    assert second.before.median == 2
    assert [bar[3] for bar in first.before.bars] == [50, 100, 0, 0, 0]
    assert first.rows[1][0][2] == 2 and first.rows[3][1][2] == 1


def test_median_of_an_even_count_is_the_lower_middle():
    dist = services.PhaseDistribution([(1, "Not yet", 1), (2, "", 0), (3, "", 0), (4, "", 1)])
    assert dist.median == 1
    assert services.PhaseDistribution([(v, "", 0) for v in range(1, 6)]).median is None


def test_group_counts_cost_the_same_for_3_and_30_trainees(cohort, sa, plan, started):
    def rate(enrolments):
        for n, e in enumerate(enrolments):
            record(e, sa, BEFORE, answers(plan, 1 + n % 5, 2, 3))
            record(e, sa, AFTER, answers(plan, 5, 4, 1 + n % 5))

    def count():
        outcomes = services.outcomes_of(plan)
        with CaptureQueriesContext(connection) as captured:
            services.cohort_distribution(cohort, sa, outcomes)
            services.cohort_people(cohort, sa, outcomes)
        return len(captured.captured_queries)

    rate(list(cohort.enrolments.select_related("cohort__programme")))
    rate([*enrol_many(cohort, 1)])
    small = count()
    rate(enrol_many(cohort, 27))
    assert cohort.enrolments.count() == 30
    assert count() == small <= 3
    first = services.cohort_distribution(cohort, sa)[0]
    assert first.before.total == 30 and first.after.total == 30
