"""Issue 14: H5P answers written in a trainee's own words are read by the cohort's trainers
only. Programme managers and superusers, whom the cohort pages let in, see figures for the
whole group: counts and scores, no words and no names."""
# ruff: noqa: F811 (fixtures imported from conftest_h5p are used as arguments)

import pytest
from django.test import Client
from django.urls import reverse

from lms.roles import Role
from tests.factories import UserFactory
from training.models import CohortTrainer, Enrolment

from .conftest_h5p import (  # noqa: F401
    h5p_activity,
    h5p_media,
    h5p_session,
    open_attempt,
    play_round,
    post,
    statement,
)

pytestmark = pytest.mark.django_db

WORDS = "Since my time sleeping rough I know how it feels to be ignored."


@pytest.fixture
def answered(trainee, cohort, h5p_session, h5p_activity):
    """The trainee played once: three right out of four, and wrote about themselves."""
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=cohort)
    client = Client()
    client.force_login(trainee)
    url = reverse("assessments:h5p_xapi", args=[enrolment.pk, h5p_activity.pk])
    replies = play_round(
        client, url, trainee, h5p_activity, open_attempt(enrolment, h5p_activity), 3, words=WORDS
    )
    assert all(r.status_code == 201 for r in replies)
    return reverse("assessments:h5p_cohort", args=[cohort.pk, h5p_activity.pk])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("persona", ["manager", "superuser"])
def test_managers_and_superusers_see_no_open_text(request, client, answered, trainee, persona):
    client.force_login(request.getfixturevalue(persona))
    page = client.get(answered)
    assert page.status_code == 200
    text = page.content.decode()
    assert WORDS not in text
    assert trainee.get_full_name() and trainee.get_full_name() not in text
    assert "rows" not in page.context
    figures = page.context["figures"]
    assert (figures.trainees, figures.tried, figures.finished, figures.passed) == (2, 1, 1, 1)
    assert (figures.average_best, figures.best, figures.written_answers) == (0.75, 0.75, 1)
    assert "for the group&#x27;s trainers only" in text or "for the group's trainers only" in text


def test_the_cohorts_trainers_read_the_words(client, answered, trainer, co_trainer):
    for person in (trainer, co_trainer):
        client.force_login(person)
        page = client.get(answered).content.decode()
        assert WORDS in page


def test_a_manager_who_also_trains_the_cohort_reads_the_words(client, answered, manager, cohort):
    CohortTrainer.objects.create(cohort=cohort, user=manager)
    client.force_login(manager)
    assert WORDS in client.get(answered).content.decode()


def test_words_typed_in_blanks_are_shown_one_by_one_without_html(
    client, trainer, trainee, cohort, h5p_session, h5p_activity
):
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=cohort)
    player = Client()
    player.force_login(trainee)
    body = statement(
        trainee,
        h5p_activity,
        "answered",
        sub="blanks",
        response="Hope[,]empathy[,]reciprocity",
        interaction="fill-in",
        registration=open_attempt(enrolment, h5p_activity),
    )
    body["object"]["definition"]["description"] = {"en-US": "<p>Fill in the <b>words</b></p>"}
    url = reverse("assessments:h5p_xapi", args=[enrolment.pk, h5p_activity.pk])
    assert post(player, url, body).status_code == 201
    client.force_login(trainer)
    page = client.get(reverse("assessments:h5p_cohort", args=[cohort.pk, h5p_activity.pk]))
    text = page.content.decode()
    assert "[,]" not in text and "&lt;p&gt;" not in text
    assert "Fill in the words" in text
    assert (
        "<blockquote>Hope</blockquote>" in text and "<blockquote>reciprocity</blockquote>" in text
    )


def test_other_staff_are_still_kept_out(client, answered, other_org_trainer):
    client.force_login(other_org_trainer)
    assert client.get(answered).status_code == 403
    outsider = UserFactory(username="other_manager", roles=[Role.PROGRAMME_MANAGER])
    client.force_login(outsider)
    assert client.get(answered).status_code == 403
