"""The demo loaded once per module (``demo_database`` in tests/conftest.py) is shared only
in what it loaded: each test's changes are undone before the next test, in file order."""

import pytest
from django.contrib.auth.models import User

from training.models import Cohort

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_database")]


def test_a_test_changes_the_demo():
    User.objects.filter(username="marie").delete()
    Cohort.objects.filter(name="Kent, spring 2027").update(name="Renamed by a test")
    User.objects.create(username="left_behind")
    assert not User.objects.filter(username="marie").exists()


def test_the_next_test_finds_the_demo_as_it_was_loaded(demo_database, settings):
    assert User.objects.filter(username="marie").exists()
    assert Cohort.objects.filter(name="Kent, spring 2027").exists()
    assert not Cohort.objects.filter(name="Renamed by a test").exists()
    assert not User.objects.filter(username="left_behind").exists()
    # Files the demo wrote (its H5P package, kept privately) are where this test's settings look.
    assert settings.MEDIA_ROOT == str(demo_database.folders.media)
    assert any(demo_database.folders.private.rglob("h5p.json"))
    assert "marie" in demo_database.output
