"""Quizzes, H5P activities and self-assessments counting towards completion."""

# Fixtures are imported from conftest_self_assessment by name, so pytest finds them.
# ruff: noqa: F811

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import self_assessment as services
from assessments.completion import LeftText, assessment_requirements
from assessments.models import H5PActivity, H5PResult, Quiz, QuizResult, SelfAssessment, SelfRating
from curriculum.models import ProgrammePage, SessionLearningOutcome
from tests.factories import activity, make_scheduled_session, make_session, mark
from training.completion import progress_for, what_is_left
from training.models import CompletionRule, Enrolment, ProgrammeProgress

from .conftest_self_assessment import answers, enrol_many, enrolment  # noqa: F401

pytestmark = pytest.mark.django_db
Requirement = CompletionRule.AssessmentRequirement


@pytest.fixture
def quiz():
    return Quiz.objects.create(title="Confidentiality", questions=[])


@pytest.fixture
def h5p():
    return H5PActivity.objects.create(
        title="Spot the boundary", package="h5p/packages/test.h5p", main_library="H5P.Demo"
    )


@pytest.fixture
def plans(programme, quiz, h5p):
    """Session 1 uses the quiz (twice: counted once), session 2 the H5P activity."""
    first = make_session(
        programme,
        number=1,
        activities=[activity("Quiz time", quiz=quiz.pk), activity("Again", quiz=quiz.pk)],
        outcomes=("Define the role", "Name a responsibility"),
    )
    second = make_session(programme, number=2, activities=[activity("Play", h5p=h5p.pk)])
    return first, second


def set_rule(programme, assessments=Requirement.PASSED, self_assessments=False):
    CompletionRule.objects.update_or_create(
        programme=programme,
        defaults={
            "assessments": assessments,
            "self_assessments": self_assessments,
            "worksheets": CompletionRule.WorksheetRequirement.NONE,
            "min_attendance_percent": 0,
        },
    )


def requirement(programme, enrolment):
    # A freshly read programme, as pages pass: the fixture's object may cache an old rule.
    programme = ProgrammePage.objects.get(pk=programme.pk)
    return assessment_requirements(programme, [enrolment]).get(enrolment.pk)


def test_nothing_is_required_when_the_rule_says_so(programme, enrolment, plans):
    set_rule(programme, Requirement.NONE)
    assert requirement(programme, enrolment) is None
    (progress,) = progress_for([enrolment])
    assert progress.assessments_required == 0


def test_passed_rule_needs_the_quiz_passed_and_the_h5p_passed(
    programme, enrolment, plans, quiz, h5p
):
    set_rule(programme, Requirement.PASSED)
    result = requirement(programme, enrolment)
    assert (result.required, result.passed) == (2, 0)
    assert result.left == ["Pass the quiz Confidentiality", "Finish the activity Spot the boundary"]
    assert result.left[0].url == reverse("assessments:quiz", args=[enrolment.pk, quiz.pk])
    assert result.left[1].url == reverse("assessments:h5p_play", args=[enrolment.pk, h5p.pk])

    QuizResult.objects.create(quiz=quiz, enrolment=enrolment, attempts=2, percent=40)
    assert requirement(programme, enrolment).passed == 0
    QuizResult.objects.filter(quiz=quiz).update(passed=True, percent=80)
    # Without a pass mark, finishing the H5P activity is passing it.
    H5PResult.objects.create(activity=h5p, enrolment=enrolment, attempts=1, completed=True)
    result = requirement(programme, enrolment)
    assert (result.required, result.passed, result.left) == (2, 2, [])


def test_an_h5p_pass_mark_needs_a_pass_not_just_finishing(programme, enrolment, plans, h5p):
    set_rule(programme, Requirement.PASSED)
    h5p.pass_percent = 60
    h5p.save()
    H5PResult.objects.create(activity=h5p, enrolment=enrolment, completed=True, best_scaled=0.4)
    result = requirement(programme, enrolment)
    assert "Finish the activity Spot the boundary with at least 60%" in result.left
    H5PResult.objects.filter(activity=h5p).update(passed=True)
    assert "Finish the activity Spot the boundary with at least 60%" not in (
        requirement(programme, enrolment).left
    )


def test_taken_rule_counts_any_attempt_and_a_finished_activity(
    programme, enrolment, plans, quiz, h5p
):
    set_rule(programme, Requirement.TAKEN)
    result = requirement(programme, enrolment)
    assert result.left == ["Take the quiz Confidentiality", "Finish the activity Spot the boundary"]
    QuizResult.objects.create(quiz=quiz, enrolment=enrolment, attempts=0)
    assert requirement(programme, enrolment).passed == 0
    QuizResult.objects.filter(quiz=quiz).update(attempts=1, passed=False, percent=10)
    H5PResult.objects.create(activity=h5p, enrolment=enrolment, completed=False, attempts=1)
    assert requirement(programme, enrolment).passed == 1
    H5PResult.objects.filter(activity=h5p).update(completed=True)
    result = requirement(programme, enrolment)
    assert (result.required, result.passed) == (2, 2)


def test_a_deleted_quiz_or_unpublished_session_is_not_required(
    programme, enrolment, plans, quiz, h5p
):
    set_rule(programme, Requirement.PASSED)
    plans[1].unpublish()
    assert requirement(programme, enrolment).required == 1
    quiz.delete()
    assert requirement(programme, enrolment) is None


def self_assess(plan, after="end", counts=True):
    return SelfAssessment.objects.create(
        session_plan=plan, after=after, counts_towards_completion=counts
    )


def test_self_assessment_counts_only_when_the_rule_and_the_session_ask(
    programme, cohort, enrolment, plans, django_capture_on_commit_callbacks
):
    first, _second = plans
    sa = self_assess(first)
    set_rule(programme, Requirement.NONE, self_assessments=False)
    assert requirement(programme, enrolment) is None

    set_rule(programme, Requirement.NONE, self_assessments=True)
    result = requirement(programme, enrolment)
    assert (result.required, result.passed) == (1, 0)
    assert result.left == ["Fill in the self-assessment before session 1"]
    assert isinstance(result.left[0], LeftText)
    assert result.left[0].url == reverse(
        "assessments:self_assessment", args=[enrolment.pk, first.pk]
    )

    make_scheduled_session(cohort, first, days_from_now=-1)
    services.record_ratings(
        enrolment=enrolment,
        self_assessment=sa,
        phase="before",
        values=answers(first, 1, 2),
        user=enrolment.trainee,
    )
    left = requirement(programme, enrolment).left
    assert left == ["Fill in the self-assessment after session 1"]
    assert left[0].url.endswith(f"/{first.pk}/?phase=after")
    services.record_ratings(
        enrolment=enrolment,
        self_assessment=sa,
        phase="after",
        values=answers(first, 3, 4),
        user=enrolment.trainee,
    )
    result = requirement(programme, enrolment)
    assert (result.required, result.passed, result.left) == (1, 1, [])

    sa.counts_towards_completion = False
    sa.save()
    assert requirement(programme, enrolment) is None


def test_a_new_outcome_makes_the_self_assessment_due_again(programme, cohort, enrolment, plans):
    first, _second = plans
    sa = self_assess(first)
    set_rule(programme, Requirement.NONE, self_assessments=True)
    for phase, value in (("before", 1), ("after", 4)):
        for outcome in first.learning_outcomes.all():
            SelfRating.objects.create(
                enrolment=enrolment,
                self_assessment=sa,
                outcome=outcome,
                outcome_text=outcome.text,
                phase=phase,
                value=value,
            )
    assert requirement(programme, enrolment).passed == 1
    SessionLearningOutcome.objects.create(page=first, text="Say no kindly", sort_order=5)
    assert requirement(programme, enrolment).passed == 0


def test_what_is_left_and_the_matrix_summary_show_the_requirements(
    programme, cohort, enrolment, plans, quiz, as_user, trainer, trainee
):
    set_rule(programme, Requirement.PASSED, self_assessments=True)
    self_assess(plans[0])
    (progress,) = progress_for([enrolment])
    texts = [item.text for item in what_is_left(progress)]
    assert "Pass the quiz Confidentiality" in texts
    assert "Fill in the self-assessment before session 1" in texts

    html = as_user(trainer).get(reverse("training:matrix", args=[cohort.pk])).content.decode()
    assert "3 assessments" in html
    html = as_user(trainee).get(reverse("training:my_progress")).content.decode()
    assert "Fill in the self-assessment before session 1" in html
    assert "Pass the quiz Confidentiality" in html


# --- recomputing ------------------------------------------------------------------------------


def stored_progress(enrolment):
    return ProgrammeProgress.objects.get(enrolment=enrolment)


def test_saving_or_deleting_a_result_recomputes_that_trainee(
    programme, cohort, enrolment, plans, quiz, h5p, django_capture_on_commit_callbacks
):
    set_rule(programme, Requirement.PASSED)
    for plan in plans:
        mark(make_scheduled_session(cohort, plan, days_from_now=-2), enrolment)
    with django_capture_on_commit_callbacks(execute=True):
        result = QuizResult.objects.create(quiz=quiz, enrolment=enrolment, attempts=1, passed=True)
    progress = stored_progress(enrolment)
    assert (progress.assessments_required, progress.assessments_passed) == (2, 1)
    assert not progress.is_complete

    with django_capture_on_commit_callbacks(execute=True):
        H5PResult.objects.create(activity=h5p, enrolment=enrolment, completed=True)
    assert stored_progress(enrolment).is_complete
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED

    with django_capture_on_commit_callbacks(execute=True):
        result.delete()
    assert stored_progress(enrolment).assessments_passed == 1
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_rating_through_the_service_recomputes(
    programme, cohort, enrolment, plans, django_capture_on_commit_callbacks
):
    first, _second = plans
    set_rule(programme, Requirement.NONE, self_assessments=True)
    with django_capture_on_commit_callbacks(execute=True):
        sa = self_assess(first)
    assert stored_progress(enrolment).assessments_required == 1
    make_scheduled_session(cohort, first, days_from_now=-1)
    for phase, values in (("before", (1, 2)), ("after", (2, 3))):
        with django_capture_on_commit_callbacks(execute=True):
            services.record_ratings(
                enrolment=enrolment,
                self_assessment=sa,
                phase=phase,
                values=answers(first, *values),
                user=enrolment.trainee,
            )
    assert stored_progress(enrolment).assessments_passed == 1

    with django_capture_on_commit_callbacks(execute=True):
        sa.delete()
    assert stored_progress(enrolment).assessments_required == 0


def test_a_pass_mark_added_later_recomputes_who_finished_the_activity(
    programme, cohort, enrolment, plans, h5p, django_capture_on_commit_callbacks
):
    set_rule(programme, Requirement.PASSED)
    with django_capture_on_commit_callbacks(execute=True):
        H5PResult.objects.create(activity=h5p, enrolment=enrolment, completed=True)
    assert stored_progress(enrolment).assessments_passed == 1
    with django_capture_on_commit_callbacks(execute=True):
        h5p.pass_percent = 80
        h5p.save()
    assert stored_progress(enrolment).assessments_passed == 0


# --- cost -------------------------------------------------------------------------------------


def test_the_provider_costs_the_same_for_3_and_30_trainees(programme, cohort, plans, quiz, h5p):
    set_rule(programme, Requirement.PASSED, self_assessments=True)
    self_assess(plans[0])
    self_assess(plans[1])

    def results_for(enrolments):
        for n, e in enumerate(enrolments):
            QuizResult.objects.create(quiz=quiz, enrolment=e, attempts=1, passed=n % 2 == 0)
            H5PResult.objects.create(activity=h5p, enrolment=e, completed=True)
            outcome = plans[0].learning_outcomes.first()
            SelfRating.objects.create(
                enrolment=e,
                self_assessment=plans[0].self_assessment,
                outcome=outcome,
                outcome_text=outcome.text,
                phase="before",
                value=3,
            )

    def count():
        enrolments = list(cohort.enrolments.select_related("cohort__programme"))
        fresh = enrolments[0].cohort.programme
        with CaptureQueriesContext(connection) as captured:
            results = assessment_requirements(fresh, enrolments)
        assert len(results) == len(enrolments)
        return len(captured.captured_queries), results

    results_for([*cohort.enrolments.all(), *enrol_many(cohort, 1)])
    small, _results = count()
    results_for(enrol_many(cohort, 27))
    large, results = count()
    assert cohort.enrolments.count() == 30
    assert large == small <= 8
    # Every other trainee of each batch passed the quiz (2 of 3, then 14 of 27); everyone
    # finished the activity; nobody finished a self-assessment.
    assert sum(r.passed for r in results.values()) == 16 + 30
    assert all(r.required == 4 for r in results.values())
