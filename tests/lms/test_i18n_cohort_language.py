"""A trainee reads the site in their cohort's language unless they chose one; staff keep
their own choice or their browser's."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import make_cohort
from training.models import Enrolment

HOME_HEADING_NL = "Wat moet ik nu doen"
HOME_HEADING_EN = "What is next for me"


@pytest.fixture
def dutch_cohort(cohort):
    cohort.language = "nl"
    cohort.save()
    return cohort


def home_html(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_trainee_of_a_dutch_cohort_reads_the_home_page_in_dutch(as_user, trainee, dutch_cohort):
    html = home_html(as_user(trainee))
    assert '<html lang="nl"' in html
    assert HOME_HEADING_NL in html
    assert HOME_HEADING_EN not in html


def test_a_trainee_of_an_english_cohort_reads_english_whatever_the_browser(
    as_user, trainee, cohort
):
    client = as_user(trainee)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl")
    assert response["Content-Language"] == "en"
    assert HOME_HEADING_EN in response.content.decode()


def test_the_trainees_own_choice_wins_over_the_cohort(as_user, trainee, dutch_cohort):
    client = as_user(trainee)
    response = client.post(reverse("set_language"), {"language": "fr", "next": reverse("home")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    html = home_html(client)
    assert '<html lang="fr"' in html
    assert HOME_HEADING_NL not in html


def test_a_trainer_of_a_dutch_cohort_keeps_the_browser_language(as_user, trainer, dutch_cohort):
    client = as_user(trainer)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"


def test_the_most_recent_cohort_the_trainee_did_not_leave_counts(
    as_user, trainee, dutch_cohort, programme, other_organisation
):
    french = make_cohort(programme, other_organisation, trainees=[trainee], name="Lille")
    french.language = "fr"
    french.save()
    assert home_html(as_user(trainee)).startswith("<!DOCTYPE html>")
    assert as_user(trainee).get(reverse("home"))["Content-Language"] == "fr"
    Enrolment.objects.filter(cohort=french).update(status=Enrolment.Status.WITHDRAWN)
    assert as_user(trainee).get(reverse("home"))["Content-Language"] == "nl"


def test_a_trainee_without_a_cohort_keeps_the_browser_language(as_user, trainee):
    response = as_user(trainee).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"


def test_the_login_page_follows_the_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert '<html lang="es"' in html
    assert "Iniciar sesión" in html or "Entrar" in html


def test_the_switcher_names_each_language_in_its_own_words(client, as_user, trainee):
    for html in (
        client.get(reverse("login")).content.decode(),
        as_user(trainee).get(reverse("home")).content.decode(),
    ):
        assert reverse("set_language") in html
        for name in ("English", "Nederlands", "Français", "Español"):
            assert name in html


def test_public_pages_have_no_switcher(client):
    """Its form's CSRF token would make each copy of a public page differ."""
    html = client.get(reverse("certificates:verify_lookup")).content.decode()
    assert reverse("set_language") not in html


def test_the_cohort_language_costs_one_query_which_also_reads_the_roles(
    trainee, dutch_cohort, django_assert_num_queries
):
    """Pages ask for the person's roles anyway (the menu, the home page): the same query
    brings the cohort's language, so a trainee's page costs nothing more."""
    from django.test import RequestFactory

    from lms.languages import CohortLanguageMiddleware
    from lms.roles import Role, user_roles

    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=trainee.pk)  # nothing remembered on it yet
    request.COOKIES = {}
    middleware = CohortLanguageMiddleware(lambda request: request.LANGUAGE_CODE)
    with django_assert_num_queries(1):
        assert middleware(request) == "nl"
    with django_assert_num_queries(0):  # remembered for the rest of the request
        assert user_roles(request.user) == {Role.TRAINEE}
        assert middleware(request) == "nl"
