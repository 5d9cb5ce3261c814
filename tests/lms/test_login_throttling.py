"""Guessing passwords: every form that checks a secret pauses the account after a few wrong
tries (django-axes), one address is limited across accounts, and the cohort's staff can open a
paused trainee's account again."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-long-password"


@pytest.fixture
def person(trainee):
    trainee.set_password(PASSWORD)
    trainee.save()
    return trainee


def log_in(client, username, password, url="/login/"):
    return client.post(url, {"username": username, "password": password})


def test_a_hundred_wrong_passwords_pause_the_account(client, person, settings):
    answers = [log_in(client, person.username, f"guess-{n}") for n in range(100)]
    statuses = [response.status_code for response in answers]
    # Wrong tries show the login page again, until the limit; then the account is paused.
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert set(statuses[settings.AXES_FAILURE_LIMIT :]) == {429}
    paused = answers[settings.AXES_FAILURE_LIMIT].content.decode()
    assert "paused" in paused and "15 minutes" in paused
    # By the hundredth try the address itself has been stopped too (lms/throttles.py).
    assert "Too many tries from this place" in answers[-1].content.decode()
    # Even the right password does not open it now: guessing stopped at the limit.
    right = log_in(client, person.username, PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_ends_after_the_cool_off(client, person, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, person.username, f"guess-{n}")
    assert log_in(client, person.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(seconds=1)
    )
    assert log_in(client, person.username, PASSWORD).status_code == 302


def test_an_unknown_user_name_is_paused_the_same_way(client, settings):
    """The answer does not tell which user names exist."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "nobody-here", f"guess-{n}")
    assert log_in(client, "nobody-here", "again").status_code == 429


def test_the_admin_login_is_counted_too(client, settings):
    staff = UserFactory(is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    url = reverse("wagtailadmin_login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": staff.username, "password": f"guess-{n}"})
    assert client.post(url, {"username": staff.username, "password": PASSWORD}).status_code == 429
    # Paused everywhere, not only on the form that was guessed at.
    assert log_in(client, staff.username, PASSWORD).status_code == 429


def test_one_address_cannot_spray_many_accounts(client, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "10/10m"
    answers = [log_in(client, f"someone-{n}", "password123") for n in range(12)]
    assert [a.status_code for a in answers[:10]] == [200] * 10
    assert answers[10].status_code == 429
    assert "Too many tries from this place" in answers[11].content.decode()


def test_password_reset_requests_are_limited(client, person, settings):
    from tests.lms.test_password_reset import give_confirmed_address

    # A trainee's address gets a link once they confirmed it (lms/password_reset.py).
    give_confirmed_address(person, "person@example.org")
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "3/h"
    url = reverse("password_reset")
    answers = [client.post(url, {"email": "person@example.org"}) for _ in range(6)]
    assert [a.status_code for a in answers[:3]] == [302] * 3
    assert {a.status_code for a in answers[3:]} == {429}
    assert len(mail.outbox) == 3


def test_the_admin_password_reset_is_limited(client, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "2/h"
    url = reverse("wagtailadmin_password_reset")
    answers = [client.post(url, {"email": f"x{n}@example.org"}) for n in range(3)]
    assert answers[0].status_code != 429 and answers[1].status_code != 429
    assert answers[2].status_code == 429


def test_the_cohort_staff_open_a_paused_account_again(client, trainer, person, cohort, settings):
    from training.models import Enrolment

    enrolment = Enrolment.objects.get(cohort=cohort, trainee=person)
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, person.username, f"guess-{n}")
    client.force_login(trainer)
    page = client.get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    assert "Paused after too many wrong tries" in page

    url = reverse("training:unpause", args=[cohort.pk, enrolment.pk])
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    assert "Paused after too many wrong tries" not in page

    client.logout()
    assert log_in(client, person.username, PASSWORD).status_code == 302


def test_only_the_cohort_staff_may_open_it(client, other_org_trainer, person, cohort):
    from training.models import Enrolment

    enrolment = Enrolment.objects.get(cohort=cohort, trainee=person)
    client.force_login(other_org_trainer)
    response = client.post(reverse("training:unpause", args=[cohort.pk, enrolment.pk]))
    assert response.status_code == 403
