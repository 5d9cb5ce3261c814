"""Cards printed before sign-in codes set their code as the trainee's password, which the staff
member who printed it knew: the upgrade makes those passwords stop working."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from lms.roles import Role
from tests.factories import UserFactory
from training.models import TraineeProfile

pytestmark = pytest.mark.django_db

migration = importlib.import_module("training.migrations.0009_old_card_codes_stop_working")


def with_old_card(user, code="KMT4-9RXB"):
    user.set_password(code)
    user.save()
    TraineeProfile.objects.update_or_create(user=user, defaults={"card_issued_at": timezone.now()})
    return user


def test_a_password_set_by_an_old_card_stops_working(trainee):
    with_old_card(trainee)
    migration.stop_old_card_passwords(apps, None)
    trainee.refresh_from_db()
    assert not trainee.has_usable_password()


def test_trainees_without_a_card_and_staff_keep_their_passwords(trainee):
    trainee.set_password("chosen-by-the-trainee-1")
    trainee.save()
    staff = with_old_card(UserFactory(roles=[Role.TRAINEE, Role.TRAINER]))
    migration.stop_old_card_passwords(apps, None)
    trainee.refresh_from_db()
    staff.refresh_from_db()
    assert trainee.check_password("chosen-by-the-trainee-1")
    assert staff.check_password("KMT4-9RXB")
