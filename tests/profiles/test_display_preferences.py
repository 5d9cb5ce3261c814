"""Each person's "How the pages look": saved, put on <html> on every page, and taken from
their cohort's profile until they choose."""

import re

from django.urls import reverse

from profiles import display
from profiles.models import DisplayPreferences

URL = reverse("profiles:preferences")


def html_classes(response):
    match = re.search(r'<html lang="[^"]*" class="([^"]*)"', response.content.decode())
    assert match, "no class attribute on <html>"
    return set(match[1].split())


def test_every_page_links_to_the_settings(as_user, trainee):
    page = as_user(trainee).get(reverse("home")).content.decode()
    assert "How the pages look" in page
    assert URL in page


def test_by_default_pages_carry_no_display_classes(as_user, trainee, cohort):
    assert html_classes(as_user(trainee).get(reverse("home"))) == set()


def test_saved_preferences_are_applied_to_every_page(as_user, trainee):
    client = as_user(trainee)
    response = client.post(
        URL,
        {
            "text_size": "larger",
            "line_spacing": "wider",
            "reduced_motion": "on",
            "high_contrast": "on",
        },
    )
    assert response.status_code == 302
    saved = DisplayPreferences.objects.get(user=trainee)
    assert (saved.text_size, saved.line_spacing, saved.reduced_motion, saved.high_contrast) == (
        "larger",
        "wider",
        True,
        True,
    )
    expected = {"text-larger", "spacing-wider", "reduce-motion", "high-contrast"}
    assert html_classes(client.get(reverse("home"))) == expected
    assert html_classes(client.get(reverse("worksheets:mine"))) == expected


def test_preferences_are_remembered_at_the_next_login(client, trainee):
    DisplayPreferences.objects.create(user=trainee, text_size="large")
    client.force_login(trainee)
    assert html_classes(client.get(reverse("home"))) == {"text-large"}


def test_the_form_shows_what_was_saved(as_user, trainee):
    DisplayPreferences.objects.create(user=trainee, text_size="large", high_contrast=True)
    page = as_user(trainee).get(URL).content.decode()
    assert re.search(r'value="large"[^>]*checked', page)
    assert re.search(r'name="high_contrast"[^>]*checked', page)


def test_a_trainee_in_an_adapted_cohort_starts_with_the_profiles_look(as_user, trainee, adapted):
    # The built-in profile: wide spacing and less movement until the trainee chooses.
    client = as_user(trainee)
    assert html_classes(client.get(reverse("home"))) == {"spacing-wide", "reduce-motion"}
    page = client.get(URL).content.decode()
    assert "these are the settings for your group" in page
    assert re.search(r'value="wide"[^>]*checked', page)
    client.post(URL, {"text_size": "large", "line_spacing": "normal"})
    assert html_classes(client.get(reverse("home"))) == {"text-large"}


def test_a_trainer_of_the_adapted_cohort_keeps_the_plain_look(as_user, trainer, adapted):
    assert html_classes(as_user(trainer).get(reverse("home"))) == set()


def test_a_bad_choice_is_refused_and_nothing_is_saved(as_user, trainee):
    response = as_user(trainee).post(URL, {"text_size": "gigantic", "line_spacing": "normal"})
    assert response.status_code == 400
    assert "Please choose one option in each list." in response.content.decode()
    assert not DisplayPreferences.objects.exists()


def test_going_back_returns_to_the_page_the_person_came_from(as_user, trainee):
    response = as_user(trainee).post(
        URL, {"text_size": "large", "line_spacing": "normal", "next": "/worksheets/"}
    )
    assert response["Location"] == f"{URL}?next=%2Fworksheets%2F"
    page = as_user(trainee).get(response["Location"]).content.decode()
    assert 'href="/worksheets/"' in page


def test_an_address_on_another_site_is_not_followed(as_user, trainee):
    response = as_user(trainee).post(
        URL, {"text_size": "large", "line_spacing": "normal", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_the_classes_come_from_the_session_without_a_query(
    as_user, trainee, rf, django_assert_num_queries
):
    client = as_user(trainee)
    client.post(URL, {"text_size": "large", "line_spacing": "wide"})
    request = rf.get("/")
    request.user = trainee
    request.session = client.session
    # Loading the session is the request's own cost (the login check reads it anyway).
    assert display.SESSION_KEY in request.session
    with django_assert_num_queries(0):
        assert display.html_classes(request) == "text-large spacing-wide"


def test_the_page_works_without_javascript_and_has_labels(as_user, trainee):
    page = as_user(trainee).get(URL).content.decode()
    assert "<script" not in page.split("<main", 1)[1]
    for legend in ("Text size", "Space between lines"):
        assert f"<legend>{legend}</legend>" in page
    assert re.search(r'<label for="id_reduced_motion">Less movement</label>', page)
