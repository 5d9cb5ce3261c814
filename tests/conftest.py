"""The cast of people every test can call on, by role.

Each fixture is a logged-out user object; use ``client.force_login(trainer)`` or the
``as_user`` helper to act as them. Every later feature reuses this cast for its permission
tests so a missing check shows up as one failing line.
"""

from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from lms.roles import Role
from tests.factories import OrganisationFactory, UserFactory, make_cohort


@dataclass
class Folders:
    media: Path
    private: Path

    def settings(self):
        return {
            "MEDIA_ROOT": str(self.media),
            "PRIVATE_MEDIA_ROOT": self.private,
            "OPEN_BADGES_KEY_FILE": str(self.private / "badge-signing-key.pem"),
        }


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(request, settings, tmp_path_factory):
    """Uploads and generated files (H5P packages unpacked by the demo, paper scans) go to a
    folder of the test run, never into the working copy's ``media/``. Tests on the shared
    demo database use the folders its files were written to."""
    if "demo_database" in request.fixturenames:
        folders = request.getfixturevalue("demo_database").folders
    else:
        folders = Folders(tmp_path_factory.mktemp("media"), tmp_path_factory.mktemp("private"))
    for name, value in folders.settings().items():
        setattr(settings, name, value)


@dataclass
class DemoDatabase:
    output: str
    folders: Folders


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """``load_demo`` run once for a whole test module, for modules whose tests look at the
    demo. Each test still runs in its own transaction, nested in the one that holds the demo
    (a savepoint), so whatever a test changes is undone before the next; the demo itself is
    rolled back after the module. Loading the demo takes seconds, more on PostgreSQL, and
    these modules would otherwise load it once per test.

    Use it for a whole module, with the ``django_db`` mark::

        pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_database")]

    The mark keeps the module's tests together: pytest-django runs database tests first and
    moves the others (``transaction=True`` ones, then tests without a database) after them,
    by which time transactional tests have emptied the database. Not for
    ``transaction=True`` tests: they cannot nest in the demo's transaction."""
    folders = Folders(
        tmp_path_factory.mktemp("demo-media"), tmp_path_factory.mktemp("demo-private")
    )
    out = StringIO()
    with override_settings(**folders.settings()):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
        try:
            with django_db_blocker.unblock():
                call_command("load_demo", stdout=out)
            yield DemoDatabase(out.getvalue(), folders)
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache holds rate-limit counts (certificate verification, logins and password
    resets per address): each test starts at zero, whatever the tests before it did. A whole
    run logs in from 127.0.0.1 far more often than any real place would."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Kent Peer Network", slug="kent")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Lille Pairs Aidants", slug="lille")


@pytest.fixture
def editor(db, organisation):
    return UserFactory(username="editor", roles=[Role.CURRICULUM_EDITOR], organisation=organisation)


@pytest.fixture
def trainer(db, organisation):
    return UserFactory(username="trainer", roles=[Role.TRAINER], organisation=organisation)


@pytest.fixture
def co_trainer(db, organisation):
    return UserFactory(username="co_trainer", roles=[Role.TRAINER], organisation=organisation)


@pytest.fixture
def trainee(db, organisation):
    return UserFactory(username="trainee", roles=[Role.TRAINEE], organisation=organisation)


@pytest.fixture
def other_trainee(db, organisation):
    return UserFactory(username="other_trainee", roles=[Role.TRAINEE], organisation=organisation)


@pytest.fixture
def other_org_trainer(db, other_organisation):
    return UserFactory(
        username="other_org_trainer", roles=[Role.TRAINER], organisation=other_organisation
    )


@pytest.fixture
def manager(db, organisation):
    return UserFactory(
        username="manager", roles=[Role.PROGRAMME_MANAGER], organisation=organisation
    )


@pytest.fixture
def evaluation_lead(db, organisation):
    return UserFactory(
        username="evaluation_lead", roles=[Role.EVALUATION_LEAD], organisation=organisation
    )


@pytest.fixture
def certifying_officer(db, organisation):
    return UserFactory(
        username="certifying_officer", roles=[Role.CERTIFYING_OFFICER], organisation=organisation
    )


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def as_user(client):
    """Log the test client in as a persona (or out, for ``anonymous``) and return it."""

    def login(user):
        client.logout()
        if user.is_authenticated:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def programme(db):
    from tests.factories import make_programme

    return make_programme("Becoming a peer support agent")


@pytest.fixture
def cohort(programme, organisation, trainer, co_trainer, trainee, other_trainee):
    """The cohort ``trainer`` leads with ``co_trainer``; ``trainee`` and ``other_trainee``
    are enrolled in it."""
    from training.models import CohortTrainer

    return make_cohort(
        programme,
        organisation,
        trainers=[
            (trainer, CohortTrainer.Role.LEAD),
            (co_trainer, CohortTrainer.Role.PEER_TRAINER),
        ],
        trainees=[trainee, other_trainee],
        name="Kent, spring",
    )


@pytest.fixture
def other_cohort(programme, other_organisation, other_org_trainer):
    """A cohort of another organisation, trained by ``other_org_trainer``."""
    from training.models import CohortTrainer

    stranger = UserFactory(username="stranger", roles=[Role.TRAINEE])
    return make_cohort(
        programme,
        other_organisation,
        trainers=[(other_org_trainer, CohortTrainer.Role.LEAD)],
        trainees=[stranger],
        name="Lille, spring",
    )
