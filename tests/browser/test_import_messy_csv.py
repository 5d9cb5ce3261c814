"""A trainer uploads a partner's messy CSV on a phone, reads why three rows are wrong, fixes
the file, uploads it again, confirms, and finds the new trainees in the group."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADER = "Prénom ; Nom ;Courriel;Téléphone;Date d'inscription\r\n"
MESSY = (
    HEADER
    + "Lucie;Lefèvre;;;\r\n"
    + "Zoë ;Añez;zoe@example.org;0470 12 34 56;14/03/2027\r\n"
    + "\r\n"
    + "Łukasz;Wójcik;lukasz(at)example.org;;14/03/2027\r\n"
    + "Ngọc;Nguyễn;;;31/02/2027\r\n"
    + "Mateo;;mateo@example.org;;2027-03-14\r\n"
)
FIXED = (
    HEADER
    + "Lucie;Lefèvre;;;\r\n"
    + "Zoë ;Añez;zoe@example.org;0470 12 34 56;14/03/2027\r\n"
    + "\r\n"
    + "Łukasz;Wójcik;lukasz@example.org;;14/03/2027\r\n"
    + "Ngọc;Nguyễn;;;28/02/2027\r\n"
    + "Mateo;Añez Ruiz;mateo@example.org;;2027-03-14\r\n"
)


def test_a_trainer_fixes_a_messy_csv_and_imports_it(live_server, page, tmp_path):
    from django.contrib.auth.models import User

    from curriculum.demo_content import COHORT
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from training.models import Cohort, Enrolment

    call_command("load_demo", verbosity=0)
    cohort = Cohort.objects.get(name=COHORT["name"])
    # A manager added places for the newcomers.
    Cohort.objects.filter(pk=cohort.pk).update(capacity=14)
    users_before = User.objects.count()

    messy = tmp_path / "partner-list.csv"
    messy.write_bytes(b"\xef\xbb\xbf" + MESSY.encode())
    fixed = tmp_path / "partner-list-fixed.csv"
    fixed.write_bytes(b"\xef\xbb\xbf" + FIXED.encode())

    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/import/")
    page.get_by_role("heading", name=re.compile("Add trainees to Kent, spring 2027")).wait_for()
    page.get_by_label(re.compile("Your spreadsheet")).set_input_files(str(messy))
    page.get_by_role("button", name="Check the file").click()

    problems = page.locator("#fix-rows")
    fix_them = "Fix these rows in your file and upload it again"
    problems.get_by_role("heading", name=fix_them).wait_for()
    text = problems.inner_text()
    assert "Row 5: 'lukasz(at)example.org' is not an email address." in text
    assert "Row 6: '31/02/2027' is not a date. Write it like 14/03/2027." in text
    assert "Row 7: The last name is empty." in text
    assert page.get_by_role("button", name="Confirm import").count() == 0

    rows = page.get_by_role("table").filter(has_text="What will happen")
    zoe_row = rows.get_by_role("row").filter(has_text="Zoë Añez")
    assert "New trainee" in zoe_row.inner_text()
    assert (
        "Already up to date"
        in rows.get_by_role("row").filter(has_text="Lucie Lefèvre").inner_text()
    )
    assert User.objects.count() == users_before

    # The upload form is right there: upload the fixed file.
    page.get_by_label(re.compile("Your spreadsheet")).set_input_files(str(fixed))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm import").wait_for()
    assert "4 new trainees" in page.get_by_role("list", name="Summary").inner_text().replace(
        "\n", " "
    )
    page.get_by_role("button", name="Confirm import").click()

    page.get_by_text("Import done: 4 new trainees, 0 updated, 1 already up to date.").wait_for()
    trainees = page.get_by_role("table").filter(has_text="Login name").inner_text()
    for name in ("Zoë Añez", "Łukasz Wójcik", "Ngọc Nguyễn", "Mateo Añez Ruiz"):
        assert name in trainees

    assert User.objects.count() == users_before + 4
    zoe = User.objects.get(email="zoe@example.org")
    assert (zoe.first_name, zoe.last_name) == ("Zoë", "Añez")
    assert zoe.trainee_profile.phone == "0470 12 34 56"
    assert Enrolment.objects.filter(cohort=cohort, trainee__first_name="Ngọc").exists()
    assert Enrolment.objects.filter(cohort=cohort).count() == 13
