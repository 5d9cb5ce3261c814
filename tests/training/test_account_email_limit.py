"""Asking for links to confirm an email address is limited per account: each one is an email
the platform sends to an address the person typed."""

import pytest
from django.core import mail
from django.urls import reverse

from training import people

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("training:account")


@pytest.fixture(autouse=True)
def two_an_hour(settings):
    settings.ACCOUNT_EMAIL_RATE_PER_USER = "2/h"


def ask(client, email):
    return client.post(ACCOUNT, {"action": "email", "email": email})


def test_links_stop_after_the_limit_with_a_plain_page(as_user, trainee):
    client = as_user(trainee)
    answers = [ask(client, f"me{n}@example.org") for n in range(4)]
    assert [a.status_code for a in answers] == [302, 302, 429, 429]
    assert "Please wait" in answers[-1].content.decode()
    assert [m.to for m in mail.outbox] == [["me0@example.org"], ["me1@example.org"]]


def test_the_limit_is_per_account(as_user, trainee, other_trainee):
    for n in range(3):
        ask(as_user(trainee), f"me{n}@example.org")
    assert ask(as_user(other_trainee), "other@example.org").status_code == 302
    assert mail.outbox[-1].to == ["other@example.org"]


def test_confirming_the_address_on_file_counts_too(as_user, cohort, trainer):
    user = people.trainee_create(
        cohort=cohort,
        first_name="Zoë",
        last_name="Añez",
        email="typed@example.org",
        created_by=trainer,
    ).trainee
    client = as_user(user)
    answers = [client.post(ACCOUNT, {"action": "confirm"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_other_changes_on_the_page_do_not_count(as_user, trainee):
    client = as_user(trainee)
    for _ in range(5):
        client.post(ACCOUNT, {"action": "stop_card", "card": "0"})
        client.post(ACCOUNT, {"action": "email", "email": ""})
        client.post(ACCOUNT, {"action": "email", "email": "not an email"})
    assert ask(client, "me@example.org").status_code == 302
    assert len(mail.outbox) == 1
