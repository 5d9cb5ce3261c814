"""A reset link goes to a trainee's email address only once the trainee confirmed that address
themselves. A trainer who typed their own address for a trainee, then waited for the trainee
to choose a PIN, must not get the account through "Forgot your password?"."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.training.test_login_cards import print_cards
from tests.training.test_sign_in_codes import card_code
from training import people
from training.models import SignInCode, TraineeProfile

pytestmark = pytest.mark.django_db

TRAINERS_ADDRESS = "sam.private@example.org"
CONFIRM_LINK = re.compile(r"https?://testserver(/account/email/confirm/[^\s]+/)")
RESET_LINK = re.compile(r"https?://[^/]+(/(?:admin/)?password[-_]reset/\S+/)")
PIN = "274915"


def ask_for_a_reset(email, url_name="password_reset"):
    """A stranger's browser asks for a reset link; returns the page they end on."""
    return Client().post(reverse(url_name), {"email": email}, follow=True)


def without_token(response):
    """The page as read, without the admin's per-visit security token."""
    return re.sub(r'"CSRF_TOKEN": "[^"]+"', "", response.content.decode())


def sign_in_with_a_card_and_choose_a_pin(trainer, cohort, user):
    staff = Client()
    staff.force_login(trainer)
    code = card_code(print_cards(staff, cohort, user))
    browser = Client()
    assert (
        browser.post(reverse("login"), {"username": user.username, "password": code}).status_code
        == 302
    )
    chosen = browser.post(
        reverse("training:choose_secret"),
        {"kind": "pin", "pin-pin": PIN, "pin-pin_again": PIN},
    )
    assert chosen.status_code == 302
    return browser, chosen


@pytest.fixture
def trainee_with_the_trainers_address(cohort, trainer):
    """A trainee the trainer created, with an address only the trainer reads."""
    return people.trainee_create(
        cohort=cohort,
        first_name="Zoë",
        last_name="Dvořák",
        email=TRAINERS_ADDRESS,
        created_by=trainer,
    ).trainee


def test_a_trainer_who_typed_their_own_address_cannot_take_the_account_by_reset(
    trainer, cohort, trainee_with_the_trainers_address
):
    user = trainee_with_the_trainers_address
    sign_in_with_a_card_and_choose_a_pin(trainer, cohort, user)
    mail.outbox.clear()

    asked = ask_for_a_reset(TRAINERS_ADDRESS)
    unknown = ask_for_a_reset("nobody@example.org")

    assert mail.outbox == []
    # The page says exactly what it says for an address nobody has.
    assert asked.status_code == unknown.status_code == 200
    assert asked.redirect_chain == unknown.redirect_chain
    assert asked.content == unknown.content
    user.refresh_from_db()
    assert user.check_password(PIN)


def test_the_admins_reset_form_does_not_send_it_either(
    trainer, cohort, trainee_with_the_trainers_address
):
    sign_in_with_a_card_and_choose_a_pin(trainer, cohort, trainee_with_the_trainers_address)
    mail.outbox.clear()
    asked = ask_for_a_reset(TRAINERS_ADDRESS, "wagtailadmin_password_reset")
    unknown = ask_for_a_reset("nobody@example.org", "wagtailadmin_password_reset")
    assert mail.outbox == []
    assert without_token(asked) == without_token(unknown)


def test_an_address_changed_by_the_trainer_before_the_first_login_is_not_confirmed(
    trainer, cohort, trainee_with_the_trainers_address
):
    user = trainee_with_the_trainers_address
    enrolment = user.enrolments.get()
    people.trainee_update(
        enrolment=enrolment, first_name="Zoë", last_name="Dvořák", email="sam.other@example.org"
    )
    sign_in_with_a_card_and_choose_a_pin(trainer, cohort, user)
    mail.outbox.clear()
    ask_for_a_reset("sam.other@example.org")
    assert mail.outbox == []


def test_after_choosing_the_trainee_is_shown_the_address_and_offered_to_confirm_it(
    trainer, cohort, trainee_with_the_trainers_address
):
    browser, chosen = sign_in_with_a_card_and_choose_a_pin(
        trainer, cohort, trainee_with_the_trainers_address
    )
    assert chosen["Location"].startswith(reverse("training:account_email_check"))
    page = browser.get(chosen["Location"]).content.decode()
    assert TRAINERS_ADDRESS in page
    assert "This is my email: send me a link to confirm it" in page
    assert "Not now" in page


def test_a_confirmation_sent_to_the_trainers_address_does_not_confirm_it_for_the_trainer(
    trainer, cohort, trainee_with_the_trainers_address
):
    """The link only works for the trainee, logged in: the trainer who reads it cannot use it."""
    user = trainee_with_the_trainers_address
    browser, chosen = sign_in_with_a_card_and_choose_a_pin(trainer, cohort, user)
    mail.outbox.clear()
    browser.post(chosen["Location"], {"action": "send"})
    (message,) = mail.outbox
    assert message.to == [TRAINERS_ADDRESS]
    link = CONFIRM_LINK.search(message.body).group(1)

    staff = Client()
    staff.force_login(trainer)
    assert staff.post(link).status_code == 403
    mail.outbox.clear()
    ask_for_a_reset(TRAINERS_ADDRESS)
    assert mail.outbox == []


def test_once_the_trainee_confirmed_their_address_they_can_reset_by_email(
    trainer, cohort, trainee_with_the_trainers_address
):
    user = trainee_with_the_trainers_address
    browser, chosen = sign_in_with_a_card_and_choose_a_pin(trainer, cohort, user)
    mail.outbox.clear()
    sent = browser.post(chosen["Location"], {"action": "send"}, follow=True)
    assert "We sent a link to " + TRAINERS_ADDRESS in sent.content.decode()
    link = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    confirmed = browser.post(link, follow=True)
    assert "is confirmed" in confirmed.content.decode()
    profile = TraineeProfile.objects.get(user=user)
    assert profile.email_confirmed == TRAINERS_ADDRESS and profile.email_confirmed_at

    mail.outbox.clear()
    ask_for_a_reset(TRAINERS_ADDRESS.upper())
    (message,) = mail.outbox
    assert RESET_LINK.search(message.body)


def test_an_address_the_trainee_added_themselves_is_confirmed_by_its_link(as_user, trainee):
    client = as_user(trainee)
    client.post(reverse("training:account"), {"email": "me@example.org"})
    client.post(CONFIRM_LINK.search(mail.outbox[0].body).group(1))
    mail.outbox.clear()
    ask_for_a_reset("me@example.org")
    assert len(mail.outbox) == 1


def test_a_confirmed_address_changed_later_is_not_confirmed_any_more(as_user, trainee):
    client = as_user(trainee)
    client.post(reverse("training:account"), {"email": "me@example.org"})
    client.post(CONFIRM_LINK.search(mail.outbox[0].body).group(1))
    # Say a superuser typed another one into the database.
    trainee.email = "someone.else@example.org"
    trainee.save()
    mail.outbox.clear()
    ask_for_a_reset("someone.else@example.org")
    assert mail.outbox == []


def test_a_trainee_can_remove_an_address_that_is_not_theirs_from_the_same_page(
    trainer, cohort, trainee_with_the_trainers_address
):
    user = trainee_with_the_trainers_address
    browser, chosen = sign_in_with_a_card_and_choose_a_pin(trainer, cohort, user)
    done = browser.post(chosen["Location"], {"action": "remove"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.email == ""


def test_the_account_page_says_an_address_is_not_confirmed_and_offers_the_link(
    trainer, cohort, trainee_with_the_trainers_address
):
    browser, _chosen = sign_in_with_a_card_and_choose_a_pin(
        trainer, cohort, trainee_with_the_trainers_address
    )
    page = browser.get(reverse("training:account")).content.decode()
    assert "not confirmed" in page
    assert "This is my email: send me a link to confirm it" in page


def test_staff_accounts_still_reset_by_email(organisation):
    UserFactory(username="manager2", email="boss@example.org", organisation=organisation)
    ask_for_a_reset("boss@example.org")
    assert len(mail.outbox) == 1


def test_an_account_that_was_a_trainee_needs_a_confirmed_address_even_as_staff(cohort, trainee):
    """Taking the trainee role away does not open the reset: the place in the group stays."""
    trainee.email = "was.trainee@example.org"
    trainee.groups.clear()
    trainee.save()
    ask_for_a_reset("was.trainee@example.org")
    assert mail.outbox == []


def test_no_replacement_card_is_refused_for_an_address_nobody_confirmed(
    as_user, trainer, cohort, trainee
):
    """Such a trainee cannot reset by email, so a replacement card is their way back in."""
    trainee.email = "typed.by.staff@example.org"
    trainee.last_login = trainee.date_joined
    trainee.save()
    url = reverse("training:login_card_replace", args=[cohort.pk, trainee.enrolments.get().pk])
    response = as_user(trainer).post(url, {"trainee_present": "on"})
    assert response.status_code == 200
    assert SignInCode.objects.filter(user=trainee).exists()
    assert trainee.check_password(PASSWORD)
