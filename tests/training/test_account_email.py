"""Adding or changing one's email address: a link goes to the address, and the page says the
same words whatever the address, so nobody can use it to learn who has an account here."""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://testserver(/account/email/confirm/[^\s]+/)")


def ask(client, email):
    return client.post(reverse("training:account"), {"email": email}, follow=True)


def page_words(response, email):
    """The page as read, with the typed address and the form's security token left out."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(email, "ADDRESS")


def test_the_page_says_the_same_for_a_free_address_and_one_in_use(
    as_user, trainee, other_org_trainer
):
    other_org_trainer.email = "used@example.org"
    other_org_trainer.save()
    client = as_user(trainee)
    taken = ask(client, "used@example.org")
    free = ask(client, "free@example.org")
    assert taken.status_code == free.status_code == 200
    assert page_words(taken, "used@example.org") == page_words(free, "free@example.org")
    assert "We sent a link to free@example.org" in free.content.decode()
    trainee.refresh_from_db()
    assert trainee.email == ""  # nothing changes before the link is opened


def test_the_address_changes_only_when_its_owner_opens_the_link(as_user, trainee, other_trainee):
    client = as_user(trainee)
    ask(client, "Me@Example.ORG")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Me@example.org"]
    link = LINK.search(message.body).group(1)
    trainee.refresh_from_db()
    assert trainee.email == ""

    # Someone else, logged in, cannot use the link.
    other = as_user(other_trainee)
    assert other.post(link).status_code == 403
    trainee.refresh_from_db()
    assert trainee.email == ""

    client = as_user(trainee)
    page = client.get(link)
    assert page.status_code == 200
    assert "Me@example.org" in page.content.decode()
    trainee.refresh_from_db()
    assert trainee.email == ""  # opening the page alone changes nothing (mail scanners)
    response = client.post(link, follow=True)
    assert "Your email address is now Me@example.org" in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.email == "Me@example.org"


def test_the_owner_of_an_address_in_use_is_told_and_nothing_changes(
    as_user, trainee, other_org_trainer
):
    other_org_trainer.email = "used@example.org"
    other_org_trainer.save()
    ask(as_user(trainee), "USED@example.org")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["USED@example.org"]
    assert "already" in message.body
    assert not LINK.search(message.body)
    assert trainee.username not in message.body and trainee.first_name not in message.body
    trainee.refresh_from_db()
    other_org_trainer.refresh_from_db()
    assert trainee.email == "" and other_org_trainer.email == "used@example.org"


def test_anonymous_visitors_are_sent_to_log_in_before_the_link_works(client, as_user, trainee):
    ask(as_user(trainee), "me@example.org")
    link = LINK.search(mail.outbox[0].body).group(1)
    client.logout()
    response = client.post(link)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    trainee.refresh_from_db()
    assert trainee.email == ""


def test_an_old_or_tampered_link_does_not_work(as_user, trainee, settings):
    client = as_user(trainee)
    ask(client, "me@example.org")
    link = LINK.search(mail.outbox[0].body).group(1)
    tampered = link.replace("/confirm/", "/confirm/x")
    assert client.post(tampered).status_code == 400
    settings.ACCOUNT_EMAIL_LINK_HOURS = 0
    assert client.post(link).status_code == 400
    trainee.refresh_from_db()
    assert trainee.email == ""


def test_a_link_made_before_another_change_no_longer_works(as_user, trainee):
    client = as_user(trainee)
    ask(client, "first@example.org")
    ask(client, "second@example.org")
    first, second = (LINK.search(m.body).group(1) for m in mail.outbox)
    client.post(second)
    assert client.post(first).status_code == 400
    trainee.refresh_from_db()
    assert trainee.email == "second@example.org"


def test_an_address_taken_after_the_link_was_sent_is_not_given_twice(
    as_user, trainee, other_trainee
):
    client = as_user(trainee)
    ask(client, "shared@example.org")
    link = LINK.search(mail.outbox[0].body).group(1)
    other_trainee.email = "shared@example.org"
    other_trainee.save()
    assert client.post(link).status_code == 400
    trainee.refresh_from_db()
    assert trainee.email == ""


def test_removing_an_email_needs_no_link(as_user, trainee):
    trainee.email = "old@example.org"
    trainee.save()
    response = ask(as_user(trainee), "")
    assert "Your email address is removed" in response.content.decode()
    trainee.refresh_from_db()
    assert trainee.email == ""
    assert mail.outbox == []


def test_a_bad_email_is_explained(as_user, trainee):
    response = as_user(trainee).post(reverse("training:account"), {"email": "not an email"})
    assert response.status_code == 400
    assert "valid email" in response.content.decode()
    assert mail.outbox == []
