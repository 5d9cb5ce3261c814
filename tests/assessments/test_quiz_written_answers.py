"""A trainee's written quiz answer is read and marked by the cohort's trainers only.

Programme managers of the organisation and superusers run the platform but are not in the
room: they keep the overview's counts and scores, never a trainee's own words."""

# The fixtures imported from conftest_quizzes are test arguments by design.
# ruff: noqa: F811

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import quizzes as service
from assessments.models import QuizAnswer, QuizAttempt
from lms.roles import Role
from tests.factories import UserFactory

from .conftest_quizzes import (  # noqa: F401 - fixtures
    ALL_RIGHT,
    enrolment,
    make_quiz,
    quiz,
    quiz_session,
)

pytestmark = pytest.mark.django_db

WORDS = "Because my own story was told at the food bank once"


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def manager_and_trainer_elsewhere(db, organisation):
    """A programme manager of the organisation who trains none of its cohorts' trainees
    here (the usual case), with the trainer role too."""
    return UserFactory(
        username="both", roles=[Role.PROGRAMME_MANAGER, Role.TRAINER], organisation=organisation
    )


@pytest.fixture
def waiting(quiz, enrolment):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    attempt.enrolment = enrolment
    service.submit_attempt(attempt=attempt, responses={**ALL_RIGHT, "q-short": WORDS})
    return QuizAnswer.objects.get(attempt=attempt, question_id="q-short")


def marking_url(cohort, quiz):
    return reverse("assessments:quiz_marking", args=[cohort.pk, quiz.pk])


def overview_url(cohort, quiz):
    return reverse("assessments:quiz_overview", args=[cohort.pk, quiz.pk])


@pytest.mark.parametrize("persona", ["manager", "superuser", "manager_and_trainer_elsewhere"])
def test_a_manager_or_superuser_reads_no_written_answer_on_the_marking_page(
    request, as_user, cohort, quiz, waiting, persona
):
    client = as_user(request.getfixturevalue(persona))
    for url in (
        marking_url(cohort, quiz),
        f"{marking_url(cohort, quiz)}?answer={waiting.pk}",
        f"{marking_url(cohort, quiz)}?enrolment={waiting.attempt.enrolment_id}",
    ):
        page = client.get(url)
        assert page.status_code in (403, 404), (persona, url)
        assert WORDS.encode() not in page.content


@pytest.mark.parametrize("persona", ["manager", "superuser"])
def test_a_manager_or_superuser_cannot_mark_a_written_answer(
    request, as_user, cohort, quiz, waiting, persona
):
    page = as_user(request.getfixturevalue(persona)).post(
        marking_url(cohort, quiz), {"answer": waiting.pk, "points": "2", "feedback": "Fine"}
    )
    assert page.status_code in (403, 404)
    assert WORDS.encode() not in page.content
    waiting.refresh_from_db()
    assert waiting.points is None and waiting.marked_by is None
    assert waiting.attempt.status == QuizAttempt.Status.NEEDS_MARKING


def test_the_manager_keeps_the_overview_with_no_written_answer_and_no_marking_link(
    as_user, manager, cohort, quiz, waiting
):
    page = as_user(manager).get(overview_url(cohort, quiz))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 trainee has handed it in" in html
    assert WORDS not in html
    assert marking_url(cohort, quiz) not in html


def test_the_cohorts_trainer_still_reads_and_marks(as_user, trainer, cohort, quiz, waiting):
    client = as_user(trainer)
    assert marking_url(cohort, quiz) in client.get(overview_url(cohort, quiz)).content.decode()
    page = client.get(marking_url(cohort, quiz))
    assert page.status_code == 200
    assert WORDS in page.content.decode()
    reply = client.post(marking_url(cohort, quiz), {"answer": waiting.pk, "points": "2"})
    assert reply.status_code == 302
    waiting.refresh_from_db()
    assert waiting.points == Decimal("2") and waiting.marked_by == trainer


def test_the_co_trainer_marks_too(as_user, co_trainer, cohort, quiz, waiting):
    page = as_user(co_trainer).get(marking_url(cohort, quiz))
    assert page.status_code == 200
    assert WORDS in page.content.decode()


def test_the_marking_service_refuses_anyone_who_does_not_train_the_cohort(
    manager, superuser, waiting
):
    for person in (manager, superuser):
        with pytest.raises(PermissionDenied):
            service.mark_answer(answer_id=waiting.pk, points=1, feedback="", marker=person)
    waiting.refresh_from_db()
    assert waiting.points is None


def test_cohort_for_its_trainers_lets_only_the_cohorts_trainers_in(
    rf, cohort, trainer, co_trainer, manager, superuser, trainee, other_org_trainer
):
    from django.http import Http404

    from training.access import cohort_for_its_trainers

    def ask(user, cohort_id=cohort.pk):
        request = rf.get("/")
        request.user = user
        return cohort_for_its_trainers(request, cohort_id)

    assert ask(trainer) == cohort
    assert ask(co_trainer) == cohort
    for person in (manager, superuser, trainee, other_org_trainer):
        with pytest.raises(PermissionDenied):
            ask(person)
    with pytest.raises(Http404):
        ask(trainer, cohort_id=cohort.pk + 1000)


def test_the_cohort_page_offers_marking_to_its_trainers_only(
    as_user, trainer, manager, cohort, quiz, waiting
):
    page = reverse("training:cohort", args=[cohort.pk])
    for_trainer = as_user(trainer).get(page).content.decode()
    assert marking_url(cohort, quiz) in for_trainer
    for_manager = as_user(manager).get(page).content.decode()
    assert marking_url(cohort, quiz) not in for_manager
    assert "1 answer waits for the trainer" in for_manager
