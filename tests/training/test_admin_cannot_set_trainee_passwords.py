"""Nobody sets a trainee's password in the Wagtail admin, not even a superuser: a password a
staff member typed is a password a staff member knows. Deactivating an account still works."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from lms.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True, email="root@example.org")


def edit_data(user, **changes):
    data = {
        "username": user.username,
        "email": user.email or "someone@example.org",
        "first_name": user.first_name or "First",
        "last_name": user.last_name or "Last",
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "password1": "",
        "password2": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_superuser_cannot_set_a_trainees_password_in_the_admin(as_user, superuser, trainee):
    client = as_user(superuser)
    url = reverse("wagtailusers_users:edit", args=[trainee.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="password1"' not in page.content.decode()
    client.post(
        url, edit_data(trainee, password1="staff-knows-this-1", password2="staff-knows-this-1")
    )
    trainee.refresh_from_db()
    assert not trainee.check_password("staff-knows-this-1")
    assert trainee.check_password(PASSWORD)


def test_taking_the_trainee_role_away_first_does_not_open_the_password(
    as_user, superuser, cohort, trainee
):
    client = as_user(superuser)
    url = reverse("wagtailusers_users:edit", args=[trainee.pk])
    client.post(url, edit_data(trainee, groups=[]))
    assert not trainee.groups.exists()  # the role is gone, the place in the group is not
    page = client.get(url).content.decode()
    assert 'name="password1"' not in page
    client.post(
        url, edit_data(trainee, groups=[], password1="x-Staff-9-pass", password2="x-Staff-9-pass")
    )
    trainee.refresh_from_db()
    assert trainee.check_password(PASSWORD)


def test_the_admin_keeps_a_trainees_email_as_it_is(as_user, superuser, trainee):
    """The email is where a new password goes: changing it would be setting the password."""
    trainee.email = "their-own@example.org"
    trainee.save()
    client = as_user(superuser)
    url = reverse("wagtailusers_users:edit", args=[trainee.pk])
    client.post(url, edit_data(trainee, email="root@example.org", first_name="Renamed"))
    trainee.refresh_from_db()
    assert trainee.email == "their-own@example.org"
    assert trainee.first_name == "Renamed"


def test_a_superuser_may_still_deactivate_a_trainee(as_user, superuser, trainee):
    client = as_user(superuser)
    url = reverse("wagtailusers_users:edit", args=[trainee.pk])
    response = client.post(url, edit_data(trainee, is_active=None))
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert not trainee.is_active


def test_a_new_account_with_the_trainee_role_cannot_be_given_a_password(as_user, superuser):
    trainees = Group.objects.get(name=Role.TRAINEE.value)
    data = {
        "username": "newtrainee",
        "email": "new@example.org",
        "first_name": "New",
        "last_name": "Trainee",
        "groups": [str(trainees.pk)],
        "password1": "staff-knows-this-1",
        "password2": "staff-knows-this-1",
    }
    client = as_user(superuser)
    response = client.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 200  # the form again, with the reason
    assert "Trainees choose their own password" in response.content.decode()
    assert not User.objects.filter(username="newtrainee").exists()

    response = client.post(
        reverse("wagtailusers_users:add"), {**data, "password1": "", "password2": ""}
    )
    assert response.status_code == 302
    created = User.objects.get(username="newtrainee")
    assert not created.has_usable_password()


def test_giving_the_trainee_role_with_a_password_is_refused(as_user, superuser, trainer):
    trainees = Group.objects.get(name=Role.TRAINEE.value)
    client = as_user(superuser)
    url = reverse("wagtailusers_users:edit", args=[trainer.pk])
    groups = [str(pk) for pk in trainer.groups.values_list("pk", flat=True)] + [str(trainees.pk)]
    client.post(
        url,
        edit_data(trainer, groups=groups, password1="x-Staff-9-pass", password2="x-Staff-9-pass"),
    )
    trainer.refresh_from_db()
    assert trainer.check_password(PASSWORD)
    assert not trainer.groups.filter(pk=trainees.pk).exists()


def test_staff_accounts_still_get_a_password_in_the_admin(as_user, superuser, trainer):
    client = as_user(superuser)
    url = reverse("wagtailusers_users:edit", args=[trainer.pk])
    assert 'name="password1"' in client.get(url).content.decode()
    response = client.post(
        url, edit_data(trainer, password1="x-New-Staff-9", password2="x-New-Staff-9")
    )
    assert response.status_code == 302
    trainer.refresh_from_db()
    assert trainer.check_password("x-New-Staff-9")

    response = client.post(
        reverse("wagtailusers_users:add"),
        {"username": "newstaff", "email": "s@example.org", "first_name": "S", "last_name": "T"},
    )
    assert "Type a password" in response.content.decode()
    assert not User.objects.filter(username="newstaff").exists()
