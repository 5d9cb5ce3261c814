"""Importing trainees from a partner's spreadsheet: reading messy files, naming every bad
row, all or nothing, and updating (never duplicating) on a second import."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import User

from lms.roles import Role
from tests.factories import OrganisationFactory, UserFactory, make_cohort
from training.imports import MAX_UPLOAD_BYTES, import_trainees
from training.models import Enrolment, TraineeProfile

pytestmark = pytest.mark.django_db


def csv_bytes(text, encoding="utf-8", bom=False):
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def run(cohort, user, data, filename="trainees.csv", dry_run=False):
    return import_trainees(cohort, data, filename, user, dry_run=dry_run)


def rows_by_line(report):
    return {row.line: row for row in report.rows}


MESSY = (
    "Prénom ; Nom ;Courriel;Téléphone;Référence;Statut;Date d'inscription\r\n"
    "Zoë ;Añez;zoe@example.org;0470 12 34 56;K-1;actif;14/03/2027\r\n"
    "\r\n"
    "Ngọc;Nguyễn;;;K-2;invité;2027-03-15\r\n"
    "  Łukasz  ;Wójcik ;lukasz@example.org;;K-3;;14.03.2027\r\n"
)


def test_a_messy_csv_with_bom_semicolons_and_accents_imports_exact_names(cohort, trainer):
    before = User.objects.count()
    report = run(cohort, trainer, csv_bytes(MESSY, bom=True))

    assert report.ok and report.imported, (report.file_errors, report.rows)
    assert report.counts == {"new": 3, "update": 0, "unchanged": 0, "error": 0}
    # Line numbers are the spreadsheet's: the blank line 3 still counts.
    assert [row.line for row in report.rows] == [2, 4, 5]
    assert User.objects.count() == before + 3

    zoe = User.objects.get(first_name="Zoë")
    assert zoe.last_name == "Añez"
    assert zoe.email == "zoe@example.org"
    assert zoe.username == "zoe.a"
    assert not zoe.has_usable_password()
    assert zoe.groups.filter(name=Role.TRAINEE.value).exists()
    assert cohort.organisation.members.filter(pk=zoe.pk).exists()
    profile = TraineeProfile.objects.get(user=zoe)
    assert (profile.reference, profile.phone) == ("K-1", "0470 12 34 56")
    assert profile.created_by == trainer
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=zoe)
    assert enrolment.status == "active"
    assert enrolment.enrolled_at.date().isoformat() == "2027-03-14"

    ngoc = User.objects.get(last_name="Nguyễn")
    assert ngoc.first_name == "Ngọc"
    assert Enrolment.objects.get(cohort=cohort, trainee=ngoc).status == "invited"
    lukasz = User.objects.get(email="lukasz@example.org")
    # Spaces around a cell are trimmed, the letters are kept.
    assert (lukasz.first_name, lukasz.last_name) == ("Łukasz", "Wójcik")


def test_a_comma_csv_with_english_headers_imports(cohort, trainer):
    data = csv_bytes(
        "First Name,LAST NAME,E-mail,Phone number,ID,Status,Enrolled on\n"
        'Amélie,"Du Pont",amelie@example.org,,A1,Active,2027-03-01\n'
    )
    report = run(cohort, trainer, data)
    assert report.imported, report.rows
    amelie = User.objects.get(email="amelie@example.org")
    assert (amelie.first_name, amelie.last_name) == ("Amélie", "Du Pont")
    assert amelie.trainee_profile.reference == "A1"


def test_a_windows_1252_file_keeps_its_accents(cohort, trainer):
    data = csv_bytes("Voornaam;Achternaam;E-mail\nZoë;Añez-Gómez;zoe.w@example.org\n", "cp1252")
    report = run(cohort, trainer, data)
    assert report.imported, report.rows
    assert User.objects.filter(first_name="Zoë", last_name="Añez-Gómez").exists()


def xlsx_bytes(rows, active_second_sheet=False):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deelnemers"
    for row in rows:
        sheet.append(row)
    if active_second_sheet:
        other = book.create_sheet("Notes")
        other.append(["Nombre", "Apellido"])
        other.append(["Not", "This one"])
        book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_workbook_imports_its_first_sheet(cohort, trainer):
    import datetime

    data = xlsx_bytes(
        [
            [
                "Nombre",
                "Apellido",
                "Correo electrónico",
                "Teléfono",
                "Referencia",
                "Estado",
                "Fecha de inscripción",
            ],
            [
                "Añez",
                "Zoë",
                "zoe.x@example.org",
                470123456,
                1024,
                "activo",
                datetime.datetime(2027, 3, 14),
            ],
            [None, None, None, None, None, None, None],
            ["Łukasz", "Nowak", None, None, None, "retirado", "14/03/2027"],
        ],
        active_second_sheet=True,
    )
    report = run(cohort, trainer, data, "participantes.xlsx")
    assert report.imported, (report.file_errors, report.rows)
    assert [row.line for row in report.rows] == [2, 4]
    first = User.objects.get(email="zoe.x@example.org")
    assert (first.first_name, first.last_name) == ("Añez", "Zoë")
    # Numbers typed into Excel come back as the text the partner typed.
    assert first.trainee_profile.reference == "1024"
    assert first.trainee_profile.phone == "470123456"
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=first)
    assert enrolment.enrolled_at.date().isoformat() == "2027-03-14"
    lukasz = Enrolment.objects.get(cohort=cohort, trainee__first_name="Łukasz")
    assert lukasz.status == "withdrawn" and lukasz.withdrawn_at is not None
    assert not User.objects.filter(last_name="This one").exists()


def test_a_missing_required_column_is_one_file_message_and_nothing_is_imported(cohort, trainer):
    before = User.objects.count()
    data = csv_bytes("Prénom;Courriel;Phone\nZoë;zoe@example.org;1\n")
    for dry_run in (True, False):
        report = run(cohort, trainer, data, dry_run=dry_run)
        assert not report.imported
        assert report.rows == []
        assert len(report.file_errors) == 1
        message = report.file_errors[0]
        assert "no column for: last name" in message
        assert "'Prénom', 'Courriel', 'Phone'" in message
    assert User.objects.count() == before


def test_a_wrong_date_is_named_with_its_spreadsheet_line(cohort, trainer):
    data = csv_bytes(
        "First name;Last name;Enrolled on\n"
        "Ana;Silva;14/03/2027\n"
        "\n"
        "\n"
        "Bea;Costa;01/03/2027\n"
        "Carla;Dias;2027-03-02\n"
        "Dora;Eça;31/02/2027\n"
    )
    report = run(cohort, trainer, data, dry_run=True)
    row = rows_by_line(report)[7]
    assert row.action == "error"
    assert row.errors == ["Row 7: '31/02/2027' is not a date. Write it like 14/03/2027."]
    assert [r.action for r in report.rows].count("new") == 3


def test_bad_email_empty_names_and_unknown_status_are_row_errors(cohort, trainer):
    data = csv_bytes(
        "First name,Last name,Email,Status\n"
        "Ana,Silva,ana-at-example.org,active\n"
        "Bea,,bea@example.org,active\n"
        ",,,\n"
        "Carla,Dias,carla@example.org,sleeping\n"
        "Dora,Eça,dora@example.org,uitgenodigd\n"
    )
    report = run(cohort, trainer, data, dry_run=True)
    rows = rows_by_line(report)
    assert rows[2].errors == [
        "Row 2: 'ana-at-example.org' is not an email address. Write it like "
        "name@example.org, or leave the cell empty."
    ]
    assert rows[3].errors == ["Row 3: The last name is empty."]
    assert 4 not in rows  # a line of empty cells is a blank line
    assert rows[5].errors == [
        "Row 5: 'sleeping' is not a status we know. Write invited, active or withdrawn."
    ]
    assert rows[6].action == "new"
    assert report.counts["error"] == 3


def test_the_same_person_twice_in_the_file_is_named(cohort, trainer):
    data = csv_bytes(
        "First name;Last name;Email;Reference\n"
        "Ana;Silva;ana@example.org;\n"
        "Bea;Costa;;R-7\n"
        "Ana;Silva;ANA@example.org;\n"
        "Beatriz;Costa;;r-7\n"
        "Carla;Dias;;\n"
        "carla;DIAS;;\n"
        "Carla;Dias;carla.other@example.org;\n"
    )
    report = run(cohort, trainer, data, dry_run=True)
    rows = rows_by_line(report)
    assert rows[4].errors == [
        "Row 4: This person is already on row 2 of the file. Keep one of the two rows."
    ]
    assert rows[5].errors == [
        "Row 5: This person is already on row 3 of the file. Keep one of the two rows."
    ]
    assert rows[7].errors == [
        "Row 7: This person is already on row 6 of the file. Keep one of the two rows."
    ]
    # Same name but their own email: a different person with the same name.
    assert rows[8].action == "new"


def test_rows_that_would_overfill_the_group_are_errors(cohort, trainer):
    cohort.capacity = 4  # two places are taken by trainee and other_trainee
    cohort.save()
    data = csv_bytes(
        "First name;Last name;Status\n"
        "Ana;Silva;active\n"
        "Bea;Costa;withdrawn\n"
        "Carla;Dias;\n"
        "Dora;Eça;invited\n"
    )
    report = run(cohort, trainer, data, dry_run=True)
    rows = rows_by_line(report)
    assert [rows[line].action for line in (2, 3, 4)] == ["new", "new", "new"]
    assert rows[5].errors == [
        "Row 5: The group is full: it has 4 places and this row would need one more. Ask a "
        "programme manager to add places, or remove the row."
    ]
    before = Enrolment.objects.filter(cohort=cohort).count()
    assert not run(cohort, trainer, data).imported
    assert Enrolment.objects.filter(cohort=cohort).count() == before


def test_an_email_of_another_organisations_account_is_refused_without_saying_whose(
    cohort, other_cohort, trainer
):
    stranger = other_cohort.enrolments.get().trainee
    stranger.email = "Stranger@Example.org"
    stranger.save()
    data = csv_bytes("First name;Last name;Email\nSam;Stranger;stranger@example.org\n")
    report = run(cohort, trainer, data)
    (row,) = report.rows
    assert row.errors == [
        "Row 2: The email stranger@example.org belongs to an account you cannot use here. "
        "Leave the email empty or write another one."
    ]
    assert other_cohort.organisation.name not in row.errors[0]
    assert not cohort.enrolments.filter(trainee=stranger).exists()
    stranger.refresh_from_db()
    assert stranger.first_name != "Sam"


def test_a_trainers_email_cannot_turn_them_into_a_trainee(cohort, trainer):
    trainer.email = "trainer@example.org"
    trainer.save()
    report = run(cohort, trainer, csv_bytes("Prénom;Nom;Email\nT;R;trainer@example.org\n"))
    assert "belongs to an account you cannot use" in report.rows[0].errors[0]
    assert not cohort.enrolments.filter(trainee=trainer).exists()


def test_one_bad_row_means_nothing_is_imported(cohort, trainer):
    users, profiles = User.objects.count(), TraineeProfile.objects.count()
    enrolments = Enrolment.objects.count()
    data = csv_bytes(
        "First name;Last name;Email\n"
        "Ana;Silva;ana@example.org\n"
        "Bea;Costa;not-an-email\n"
        "Carla;Dias;carla@example.org\n"
    )
    report = run(cohort, trainer, data, dry_run=False)
    assert not report.imported and report.counts["error"] == 1
    assert User.objects.count() == users
    assert TraineeProfile.objects.count() == profiles
    assert Enrolment.objects.count() == enrolments


def test_a_second_import_updates_people_and_never_duplicates_them(cohort, trainer):
    first = csv_bytes(
        "First name;Last name;Email;Phone;Reference;Status\n"
        "Zoë;Añez;zoe@example.org;0470 11 11 11;K-1;invited\n"
        "Ngọc;Nguyễn;;0470 22 22 22;K-2;active\n"
        "Łukasz;Wójcik;lukasz@example.org;;;active\n"
        "Marta;Ruiz;;;;active\n"
    )
    assert run(cohort, trainer, first).imported
    users, enrolments = User.objects.count(), Enrolment.objects.count()

    again = run(cohort, trainer, first)
    assert again.imported
    assert again.counts == {"new": 0, "update": 0, "unchanged": 4, "error": 0}

    second = csv_bytes(
        "Reference;First name;Last name;Email;Phone;Status\n"
        # by reference: new email, phone and status
        "K-1;Zoë;Añez;zoe.new@example.org;0470 99 99 99;withdrawn\n"
        # by reference, email left empty: keeps what is known
        "K-2;Ngọc;Nguyễn;;;active\n"
        # by email, in another case: a new reference
        ";Lukasz;Wójcik;LUKASZ@example.org;;active\n"
        # by name, in another case
        ";MARTA;ruiz;marta@example.org;;invited\n"
    )
    report = run(cohort, trainer, second)
    assert report.imported, report.rows
    assert [row.action for row in report.rows] == ["update", "unchanged", "update", "update"]
    assert User.objects.count() == users
    assert Enrolment.objects.count() == enrolments

    zoe = User.objects.get(trainee_profile__reference="K-1")
    assert zoe.email == "zoe.new@example.org"
    assert zoe.trainee_profile.phone == "0470 99 99 99"
    zoe_enrolment = Enrolment.objects.get(cohort=cohort, trainee=zoe)
    assert zoe_enrolment.status == "withdrawn" and zoe_enrolment.withdrawn_at is not None
    ngoc = User.objects.get(trainee_profile__reference="K-2")
    assert ngoc.trainee_profile.phone == "0470 22 22 22"
    lukasz = User.objects.get(email__iexact="lukasz@example.org")
    assert lukasz.first_name == "Lukasz"
    marta = User.objects.get(email="marta@example.org")
    assert (marta.first_name, marta.last_name) == ("MARTA", "ruiz")
    assert Enrolment.objects.get(cohort=cohort, trainee=marta).status == "invited"


def test_a_trainee_of_another_cohort_of_the_organisation_gets_a_place_here(
    cohort, programme, organisation, trainer
):
    earlier = make_cohort(programme, organisation, name="Kent, autumn")
    known = UserFactory(
        first_name="Rosa",
        last_name="Parks",
        email="rosa@example.org",
        roles=[Role.TRAINEE],
        organisation=organisation,
    )
    Enrolment.objects.create(cohort=earlier, trainee=known, status="completed")
    data = csv_bytes("First name;Last name;Email\nRosa;Parks;rosa@example.org\n")
    report = run(cohort, trainer, data)
    assert report.imported and report.rows[0].action == "update"
    assert Enrolment.objects.get(cohort=cohort, trainee=known).status == "active"
    assert User.objects.filter(email="rosa@example.org").count() == 1


def test_two_trainees_with_the_same_name_need_an_email_or_reference(cohort, organisation, trainer):
    for _ in range(2):
        UserFactory(
            first_name="Ali", last_name="Khan", roles=[Role.TRAINEE], organisation=organisation
        )
    report = run(cohort, trainer, csv_bytes("First name;Last name\nAli;Khan\n"), dry_run=True)
    assert "2 trainees of your organisation are called Ali Khan" in report.rows[0].errors[0]


def test_new_usernames_avoid_existing_ones_and_each_other(cohort, trainer):
    UserFactory(username="zoe.a")
    data = csv_bytes("First name;Last name\nZoë;Añez\nZoe;Alvarez\nZoé;Arnaud\n")
    assert run(cohort, trainer, data).imported
    assert sorted(
        User.objects.filter(first_name__in=["Zoë", "Zoe", "Zoé"]).values_list("username", flat=True)
    ) == ["zoe.a2", "zoe.a3", "zoe.a4"]


def test_a_dry_run_saves_nothing(cohort, trainer):
    users = User.objects.count()
    report = run(cohort, trainer, csv_bytes(MESSY, bom=True), dry_run=True)
    assert report.ok and not report.imported
    assert report.counts["new"] == 3
    assert User.objects.count() == users


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"a" * (MAX_UPLOAD_BYTES + 1), "big.csv", "larger than 2 MB"),
        (b"First name;Last name\nA;B\n", "people.pdf", "Please upload a CSV file"),
        (b"First name;Last name\nA;B\n", "people.xlsx", "not a readable Excel workbook"),
        (b"PK\x03\x04not really a zip", "people.xlsx", "not a readable Excel workbook"),
        (b"", "empty.csv", "This file is empty."),
        (b"First name;Last name\n", "header-only.csv", "no trainees under it"),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_message(
    cohort, trainer, data, filename, message
):
    report = run(cohort, trainer, data, filename)
    assert not report.imported
    assert any(message in error for error in report.file_errors), report.file_errors


def test_a_zip_that_is_not_a_workbook_is_refused(cohort, trainer):
    out = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "First name;Last name\nA;B\n")
    report = run(cohort, trainer, out.getvalue(), "people.xlsx")
    assert "not a readable Excel workbook" in report.file_errors[0]


def test_more_than_twenty_thousand_rows_is_refused(cohort, trainer):
    data = ("First name;Last name\n" + "A;B\n" * 20_001).encode()
    report = run(cohort, trainer, data, dry_run=True)
    assert "more than 20,000 rows" in report.file_errors[0]
    assert report.rows == []


def test_unknown_columns_are_listed_and_ignored(cohort, trainer):
    report = run(
        cohort, trainer, csv_bytes("First name;Last name;Shoe size\nAna;Silva;38\n"), dry_run=True
    )
    assert report.ok
    assert report.columns_ignored == ["Shoe size"]


def test_another_organisations_people_are_never_matched_by_name(cohort, trainer):
    elsewhere = OrganisationFactory()
    UserFactory(first_name="Ana", last_name="Silva", roles=[Role.TRAINEE], organisation=elsewhere)
    report = run(cohort, trainer, csv_bytes("First name;Last name\nAna;Silva\n"))
    assert report.rows[0].action == "new"
    assert User.objects.filter(first_name="Ana", last_name="Silva").count() == 2
