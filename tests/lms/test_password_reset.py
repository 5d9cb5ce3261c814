"""Choosing a new password by email: how people with an email address get back in, without a
staff member ever printing them a card, and without the page telling who has an account.

A trainee's address counts only once the trainee confirmed it themselves (the rule training
adds, ``training.people.may_reset_by_email``; the whole story is in
``tests/training/test_reset_needs_a_confirmed_email.py``)."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.password_reset import may_reset_by_email, register_reset_rule, reset_rules

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Blue-kettle-on-Sunday-7"


def ask(client, email):
    return client.post(reverse("password_reset"), {"email": email}, follow=True)


def give_confirmed_address(user, email):
    """The address, as the trainee confirmed it from the link sent to it."""
    from training.models import TraineeProfile

    user.email = email
    user.save()
    TraineeProfile.objects.update_or_create(
        user=user, defaults={"email_confirmed": email, "email_confirmed_at": timezone.now()}
    )


def test_the_login_page_leads_there(client):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_the_answer_is_the_same_whether_or_not_the_address_is_known(client, trainee):
    give_confirmed_address(trainee, "marie@example.org")
    known = ask(client, "marie@example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["marie@example.org"]


def test_an_address_the_trainee_did_not_confirm_gets_nothing_and_the_same_answer(client, trainee):
    trainee.email = "typed.by.staff@example.org"
    trainee.save()
    refused = ask(client, "typed.by.staff@example.org")
    unknown = ask(client, "nobody@example.org")
    assert mail.outbox == []
    assert refused.redirect_chain == unknown.redirect_chain
    assert refused.content == unknown.content


def test_a_trainee_without_a_password_yet_chooses_one_by_email(client, trainee):
    give_confirmed_address(trainee, "marie@example.org")
    trainee.set_unusable_password()
    trainee.save()
    ask(client, "MARIE@example.org")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert trainee.username in body
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your new password is saved" in done.content.decode()
    login = client.post(reverse("login"), {"username": trainee.username, "password": NEW_PASSWORD})
    assert login.status_code == 302
    # The link works once.
    assert "does not work any more" in client.get(link, follow=True).content.decode()


def test_every_registered_rule_must_agree(trainer):
    """The hook apps above ``lms`` use: no rule of theirs, no refusal; one False, no link."""
    assert may_reset_by_email(trainer)
    never = register_reset_rule(lambda user: False)
    try:
        assert register_reset_rule(never) is never and reset_rules.count(never) == 1
        assert not may_reset_by_email(trainer)
    finally:
        reset_rules.remove(never)
    assert may_reset_by_email(trainer)
