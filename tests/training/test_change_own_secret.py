"""Changing one's own password or PIN from the account page: the current one first (wrong
tries count towards the pause on the account), then the same choices as after a login card.
This login carries on; every other one ends."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from training import people
from training.views.sign_in import SECRET_RECHECK_MINUTES, SECRET_RECHECKED_AT

pytestmark = pytest.mark.django_db

URL = reverse("training:change_secret")
NEW_PIN = "530714"


def logged_in(user, password=PASSWORD):
    browser = Client()
    response = browser.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return browser


def type_current(browser, secret):
    return browser.post(URL, {"kind": "current", "current": secret})


def choose(browser, kind, secret):
    return browser.post(
        URL, {"kind": kind, f"{kind}-{kind}": secret, f"{kind}-{kind}_again": secret}
    )


def test_the_account_page_leads_there(trainee):
    assert URL in logged_in(trainee).get(reverse("training:account")).content.decode()


def test_a_trainee_changes_their_password_to_a_pin_and_stays_logged_in_here_only(trainee):
    here = logged_in(trainee)
    elsewhere = logged_in(trainee)
    assert elsewhere.get(reverse("training:account")).status_code == 200

    page = here.get(URL).content.decode()
    assert 'name="current"' in page and 'name="pin-pin"' not in page
    checked = type_current(here, PASSWORD)
    assert checked.status_code == 302 and checked["Location"] == URL
    page = here.get(URL).content.decode()
    assert 'name="pin-pin"' in page and 'name="password-password"' in page
    done = choose(here, "pin", NEW_PIN)
    assert done.status_code == 302 and done["Location"] == reverse("training:account")

    trainee.refresh_from_db()
    assert trainee.check_password(NEW_PIN) and not trainee.check_password(PASSWORD)
    assert here.get(reverse("training:account")).status_code == 200
    # The other login ended: it is sent to the login page.
    gone = elsewhere.get(reverse("training:account"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))
    logged_in(trainee, NEW_PIN)
    # Asking again needs the current one again.
    assert 'name="current"' in here.get(URL).content.decode()


def test_nothing_is_changed_without_the_current_secret(trainee):
    browser = logged_in(trainee)
    response = choose(browser, "password", "A-new-sentence-for-me-9")
    assert response.status_code == 400
    assert 'name="current"' in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)


def test_a_wrong_current_secret_is_refused_in_plain_words(trainee):
    response = type_current(logged_in(trainee), "not-my-password")
    assert response.status_code == 400
    assert "This is not your password or PIN" in response.content.decode()


def test_wrong_tries_pause_the_account_like_wrong_logins(trainee, settings):
    browser = logged_in(trainee)
    answers = [type_current(browser, f"guess-{n}") for n in range(settings.AXES_FAILURE_LIMIT)]
    assert answers[-1].status_code == 429
    assert "paused" in answers[-1].content.decode()
    # The right one does not open the choosing step now, and the login page is paused too.
    assert type_current(browser, PASSWORD).status_code == 429
    assert 'name="pin-pin"' not in browser.get(URL).content.decode()
    login = Client().post(reverse("login"), {"username": trainee.username, "password": PASSWORD})
    assert login.status_code == 429


def test_a_login_cards_code_is_not_a_current_secret_and_is_not_spent(trainer, cohort, trainee):
    trainee.last_login = timezone.now()
    trainee.save()
    card = people.login_card_replace(
        cohort=cohort, trainee=trainee, by=trainer, trainee_present=True
    )
    browser = logged_in(trainee)
    assert type_current(browser, card.code).status_code == 400
    card.sign_in.refresh_from_db()
    assert card.sign_in.used_at is None
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)


def test_the_check_lasts_a_few_minutes(trainee):
    browser = logged_in(trainee)
    type_current(browser, PASSWORD)
    session = browser.session
    session[SECRET_RECHECKED_AT] = time.time() - SECRET_RECHECK_MINUTES * 60 - 1
    session.save()
    response = choose(browser, "pin", NEW_PIN)
    assert response.status_code == 400
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)


def test_staff_choose_a_password_only(trainer):
    browser = logged_in(trainer)
    type_current(browser, PASSWORD)
    page = browser.get(URL).content.decode()
    assert 'name="pin-pin"' not in page and 'name="password-password"' in page
    assert choose(browser, "pin", NEW_PIN).status_code == 400
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)
    assert choose(browser, "password", "Staff-sentence-long-enough-3").status_code == 302
    trainer.refresh_from_db()
    assert trainer.check_password("Staff-sentence-long-enough-3")


@pytest.mark.parametrize("pin", ["123456", "111111", "12345"])
def test_an_easy_pin_is_refused_here_too(trainee, pin):
    browser = logged_in(trainee)
    type_current(browser, PASSWORD)
    assert choose(browser, "pin", pin).status_code == 400
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)
