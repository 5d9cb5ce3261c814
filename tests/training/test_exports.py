"""Exports of a cohort's enrolments, register and completion, read back as a partner would
open them: CSV through the csv module (with its BOM), XLSX through openpyxl."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from lms.roles import Role
from tests.factories import UserFactory, make_scheduled_session, mark
from training.models import Enrolment, ProgrammeProgress, TraineeProfile

pytestmark = pytest.mark.django_db


def url(cohort, what, fmt):
    return reverse("training:export", args=[cohort.pk, what, fmt])


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to show accents"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def zoe(cohort, organisation, trainer):
    user = UserFactory(
        username="zoe.a",
        first_name="Zoë",
        last_name="Añez",
        email="zoe@example.org",
        roles=[Role.TRAINEE],
        organisation=organisation,
    )
    TraineeProfile.objects.create(
        user=user, reference="K-1", phone="+32 470 12 34 56", created_by=trainer
    )
    enrolment = Enrolment.objects.create(
        cohort=cohort, trainee=user, status="withdrawn", withdrawn_at=timezone.now()
    )
    return enrolment


def test_the_enrolments_export_in_csv_and_xlsx(as_user, trainer, cohort, zoe):
    client = as_user(trainer)
    reply = client.get(url(cohort, "enrolments", "csv"))
    assert reply.status_code == 200
    assert reply["Content-Type"].startswith("text/csv")
    assert "attachment" in reply["Content-Disposition"]
    rows = read_csv(reply.content)
    assert rows[0] == [
        "First name",
        "Last name",
        "Username",
        "Email",
        "Phone",
        "Reference",
        "Status",
        "Enrolled",
        "Completed",
        "Withdrawn",
    ]
    assert len(rows) == 1 + cohort.enrolments.count()
    by_user = {row[2]: row for row in rows[1:]}
    today = timezone.localdate().isoformat()
    # A phone number starting with + would be read as a formula by Excel: it is escaped.
    assert by_user["zoe.a"] == [
        "Zoë",
        "Añez",
        "zoe.a",
        "zoe@example.org",
        "'+32 470 12 34 56",
        "K-1",
        "Withdrawn",
        today,
        "",
        today,
    ]
    assert by_user["trainee"][4:6] == ["", ""]  # no profile: blank, not an error

    reply = client.get(url(cohort, "enrolments", "xlsx"))
    assert reply["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    _sheet, rows = read_xlsx(reply.content)
    assert rows[0][:3] == ["First name", "Last name", "Username"]
    zoe_row = next(row for row in rows if row[2] == "zoe.a")
    assert zoe_row[:2] == ["Zoë", "Añez"]
    # In a workbook the phone stays exactly as typed: text cells are never run.
    assert zoe_row[4] == "+32 470 12 34 56"
    assert zoe_row[7].date() == timezone.localdate()


def test_a_formula_like_name_is_exported_escaped(as_user, trainer, cohort, trainee):
    trainee.first_name = '=HYPERLINK("http://evil.example","Click")'
    trainee.save()
    client = as_user(trainer)
    rows = read_csv(client.get(url(cohort, "enrolments", "csv")).content)
    row = next(r for r in rows if r[2] == "trainee")
    assert row[0] == "'" + trainee.first_name

    sheet, rows = read_xlsx(client.get(url(cohort, "enrolments", "xlsx")).content)
    row_number = next(i for i, r in enumerate(rows, start=1) if r[2] == "trainee")
    cell = sheet.cell(row=row_number, column=1)
    assert cell.data_type == "s"
    assert cell.value == trainee.first_name


def test_the_register_export_has_a_column_per_session_and_the_attended_count(
    as_user, trainer, cohort, scheduled, enrolment, other_enrolment
):
    mark(scheduled[0], enrolment, "present", minutes_attended=150)
    mark(scheduled[0], other_enrolment, "absent")
    mark(scheduled[1], enrolment, "late")
    make_scheduled_session(cohort, days_from_now=21, title="Dropped", cancelled=True)
    client = as_user(trainer)
    rows = read_csv(client.get(url(cohort, "register", "csv")).content)
    days = [timezone.localtime(s.starts_at).date().isoformat() for s in scheduled]
    assert rows[0] == [
        "First name",
        "Last name",
        "Status",
        f"{days[0]} Session 1",
        f"{days[1]} Session 2",
        f"{days[2]} Session 3",
        "Sessions attended",
    ]
    by_name = {(row[0], row[1]): row for row in rows[1:]}
    trainee = enrolment.trainee
    assert by_name[(trainee.first_name, trainee.last_name)][3:] == [
        "Present (150 min)",
        "Late",
        "",
        "2",
    ]
    other = other_enrolment.trainee
    assert by_name[(other.first_name, other.last_name)][3:] == ["Absent", "", "", "0"]

    _sheet, rows = read_xlsx(client.get(url(cohort, "register", "xlsx")).content)
    assert rows[0][-1] == "Sessions attended"
    assert sorted(row[-1] for row in rows[1:]) == [0, 2]


def test_the_completion_export_reads_stored_progress_and_leaves_blanks_without_it(
    as_user, trainer, cohort, enrolment, other_enrolment
):
    ProgrammeProgress.objects.create(
        enrolment=enrolment,
        sessions_planned=10,
        sessions_attended=8,
        sessions_held=9,
        worksheets_required=4,
        worksheets_done=3,
        is_complete=False,
    )
    client = as_user(trainer)
    rows = read_csv(client.get(url(cohort, "completion", "csv")).content)
    assert rows[0] == [
        "First name",
        "Last name",
        "Username",
        "Status",
        "Attendance (% of planned sessions)",
        "Sessions attended",
        "Sessions planned",
        "Worksheets done",
        "Worksheets required",
        "Complete",
    ]
    by_user = {row[2]: row for row in rows[1:]}
    assert by_user["trainee"][3:] == ["Active", "80", "8", "10", "3", "4", "no"]
    assert by_user["other_trainee"][3:] == ["Active", "", "", "", "", "", ""]

    _sheet, rows = read_xlsx(client.get(url(cohort, "completion", "xlsx")).content)
    by_user = {row[2]: row for row in rows[1:]}
    assert by_user["trainee"][4:] == [80, 8, 10, 3, 4, "no"]
    assert by_user["other_trainee"][4:] == [None] * 6


@pytest.mark.parametrize(
    ("what", "fmt"), [("grades", "csv"), ("register", "pdf"), ("enrolments", "xls")]
)
def test_unknown_exports_are_not_found(as_user, trainer, cohort, what, fmt):
    assert as_user(trainer).get(url(cohort, what, fmt)).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("trainer", 200),
        ("co_trainer", 200),
        ("manager", 200),
        ("trainee", 403),
        ("editor", 403),
        ("other_org_trainer", 403),
    ],
)
def test_only_people_who_run_the_cohort_may_export(request, as_user, cohort, persona, status):
    client = as_user(request.getfixturevalue(persona))
    for what in ("enrolments", "register", "completion"):
        for fmt in ("csv", "xlsx"):
            assert client.get(url(cohort, what, fmt)).status_code == status


def test_anonymous_people_cannot_export(as_user, anonymous, cohort):
    reply = as_user(anonymous).get(url(cohort, "enrolments", "csv"))
    assert reply.status_code == 302 and reverse("login") in reply.url


def test_a_trainer_cannot_export_another_organisations_cohort(as_user, trainer, other_cohort):
    assert as_user(trainer).get(url(other_cohort, "enrolments", "csv")).status_code == 403


def add_trainees(cohort, organisation, count, sessions):
    for n in range(count):
        user = UserFactory(roles=[Role.TRAINEE], organisation=organisation)
        TraineeProfile.objects.create(user=user, reference=f"R{n}")
        enrolment = Enrolment.objects.create(cohort=cohort, trainee=user)
        ProgrammeProgress.objects.create(enrolment=enrolment, sessions_planned=3)
        for session in sessions:
            mark(session, enrolment, "present")


@pytest.mark.parametrize("what", ["enrolments", "register", "completion"])
def test_export_queries_do_not_grow_with_the_group(
    as_user, trainer, cohort, organisation, scheduled, what, django_assert_max_num_queries
):
    client = as_user(trainer)
    add_trainees(cohort, organisation, 3, scheduled)
    with django_assert_max_num_queries(8):
        first = client.get(url(cohort, what, "xlsx"))
    add_trainees(cohort, organisation, 27, scheduled)
    with django_assert_max_num_queries(8):
        second = client.get(url(cohort, what, "xlsx"))
    assert len(read_xlsx(first.content)[1]) == 1 + 2 + 3
    assert len(read_xlsx(second.content)[1]) == 1 + 2 + 30
