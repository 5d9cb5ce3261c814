"""A login nobody uses ends: sooner for staff than for trainees, and at most twelve hours after
it began. An autosave counts as use, so nobody is logged out mid-sentence."""

import time

import pytest
from django.urls import reverse

from lms.sessions import LAST_SEEN

pytestmark = pytest.mark.django_db


def idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_a_trainee_is_logged_out_after_an_hour_without_use(client, trainee, settings):
    client.force_login(trainee)
    idle_for(client, settings.SESSION_IDLE_MINUTES_TRAINEE - 1)
    assert client.get("/").status_code == 200

    idle_for(client, settings.SESSION_IDLE_MINUTES_TRAINEE + 1)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"]).content.decode()
    assert "not used for 60 minutes" in page
    assert "_auth_user_id" not in client.session


def test_staff_are_logged_out_sooner(client, trainer, settings):
    assert settings.SESSION_IDLE_MINUTES_STAFF < settings.SESSION_IDLE_MINUTES_TRAINEE
    client.force_login(trainer)
    idle_for(client, settings.SESSION_IDLE_MINUTES_STAFF + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_using_the_site_keeps_the_login(client, trainee, settings):
    client.force_login(trainee)
    idle_for(client, settings.SESSION_IDLE_MINUTES_TRAINEE - 5)
    client.get("/")
    # The request moved the clock on: the same wait again is still within the limit.
    assert time.time() - client.session[LAST_SEEN] < 5
    idle_for(client, settings.SESSION_IDLE_MINUTES_TRAINEE - 5)
    assert client.get("/").status_code == 200


def test_a_login_lasts_at_most_twelve_hours(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60


def test_an_autosave_after_the_limit_is_told_to_log_in_again(client, trainee, settings):
    """The page keeps the text and asks the person to log in again; the server stores
    nothing for a login that has ended."""
    client.force_login(trainee)
    idle_for(client, settings.SESSION_IDLE_MINUTES_TRAINEE + 1)
    response = client.post(
        reverse("worksheets:save", args=[1, 1]),
        data="{}",
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code in (302, 401, 403)
    assert "_auth_user_id" not in client.session
