"""A spreadsheet cannot change the email address of a trainee who has logged in: that address
is where a new password goes, so only the trainee changes it (their account page, with a
link sent to the new address). New people, unchanged addresses and trainees who never
logged in import as before."""

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.training.test_import_trainees import csv_bytes, run
from training.models import SignInCode

pytestmark = pytest.mark.django_db


def import_file(cohort, trainer, text):
    return run(cohort, trainer, csv_bytes(text))


@pytest.fixture
def known(cohort, trainer):
    """Zoë, imported once with an address and a reference; she has not logged in yet."""
    report = import_file(
        cohort, trainer, "First name;Last name;Email;Reference\nZoë;Añez;zoe@example.org;K-1\n"
    )
    assert report.imported, report.rows
    return User.objects.get(trainee_profile__reference="K-1")


@pytest.fixture
def known_logged_in(known):
    """Zoë again, once she has logged in."""
    known.last_login = timezone.now()
    known.save()
    return known


MESSAGE = (
    "Row 2: Zoë Añez has logged in already, so only they can change their email address, "
    "on their account page. Leave the email cell empty or write the address they have now."
)


@pytest.mark.parametrize(
    "logged_in",
    ["with a password", "with a card"],
)
def test_a_changed_email_of_someone_who_logged_in_is_refused(cohort, trainer, known, logged_in):
    if logged_in == "with a password":
        known.set_password("their-own-secret-42")
        known.last_login = timezone.now()
        known.save()
    else:
        SignInCode.objects.create(
            user=known,
            code_hash="x",
            printed_by_name="Sam",
            expires_at=timezone.now(),
            used_at=timezone.now(),
        )
    report = import_file(
        cohort,
        trainer,
        "First name;Last name;Email;Reference\nZoë;Añez;sam.private@example.org;K-1\n",
    )
    assert not report.imported
    (row,) = report.rows
    assert row.errors == [MESSAGE]
    known.refresh_from_db()
    assert known.email == "zoe@example.org"


def test_adding_an_email_to_someone_who_logged_in_without_one_is_refused(cohort, trainer):
    assert import_file(
        cohort, trainer, "First name;Last name;Reference\nNgọc;Nguyễn;K-2\n"
    ).imported
    ngoc = User.objects.get(trainee_profile__reference="K-2")
    ngoc.last_login = timezone.now()
    ngoc.save()
    report = import_file(
        cohort, trainer, "First name;Last name;Email;Reference\nNgọc;Nguyễn;sam@example.org;K-2\n"
    )
    assert not report.imported
    assert "only they can change their email address" in report.rows[0].errors[0]
    ngoc.refresh_from_db()
    assert ngoc.email == ""


def test_the_same_email_in_another_case_or_an_empty_cell_is_fine(cohort, trainer, known_logged_in):
    report = import_file(
        cohort,
        trainer,
        "First name;Last name;Email;Reference;Phone\nZoë;Añez;ZOE@example.org;K-1;0470 11 11 11\n",
    )
    assert report.imported, report.rows
    report = import_file(
        cohort, trainer, "First name;Last name;Email;Reference;Phone\nZoë;Añez;;K-1;0470 22 22 22\n"
    )
    assert report.imported, report.rows
    known_logged_in.refresh_from_db()
    assert known_logged_in.email == "zoe@example.org"
    assert known_logged_in.trainee_profile.phone == "0470 22 22 22"


def test_someone_who_never_logged_in_may_still_get_a_corrected_email(cohort, trainer, known):
    report = import_file(
        cohort, trainer, "First name;Last name;Email;Reference\nZoë;Añez;zoe.a@example.org;K-1\n"
    )
    assert report.imported, report.rows
    known.refresh_from_db()
    assert known.email == "zoe.a@example.org"


def test_new_people_with_an_email_import_as_before(cohort, trainer, known_logged_in):
    report = import_file(
        cohort,
        trainer,
        "First name;Last name;Email;Reference\nZoë;Añez;zoe@example.org;K-1\n"
        "Łukasz;Wójcik;lukasz@example.org;K-3\n",
    )
    assert report.imported, report.rows
    assert User.objects.get(email="lukasz@example.org").last_name == "Wójcik"


def test_the_check_asks_the_database_the_same_number_of_times_for_one_row_or_many(cohort, trainer):
    """Who logged in is loaded once for the whole file, not row by row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(count):
        return "First name;Last name;Email;Reference\n" + "".join(
            f"P{n};Q{n};p{n}@example.org;R-{n}\n" for n in range(count)
        )

    cohort.capacity = 100
    cohort.save()
    import_file(cohort, trainer, rows(40))
    User.objects.filter(trainee_profile__reference__startswith="R-").update(
        last_login=timezone.now()
    )
    with CaptureQueriesContext(connection) as one:
        run(cohort, trainer, csv_bytes(rows(1)), dry_run=True)
    with CaptureQueriesContext(connection) as many:
        run(cohort, trainer, csv_bytes(rows(40)), dry_run=True)
    assert len(many) == len(one)
