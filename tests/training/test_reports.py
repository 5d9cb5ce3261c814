"""Reports for programme managers: exact figures on a small hand-built dataset, who may read
them, the filters, and the same figures read back from the spreadsheet and the PDF.

The dataset (``data``) is small enough to work out by hand; every expected number below is
explained next to it.
"""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from lms.roles import Role
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    make_cohort,
    make_programme,
    make_scheduled_session,
    make_session,
    mark,
)
from training import reports
from training.models import Enrolment, ProgrammeProgress, ScheduledSession, TrainingTarget

REPORT = reverse("training:report")
EXPORT = reverse("training:report_export")
PDF = reverse("training:report_pdf")
PROGRAMME = "Becoming a peer support agent"


class Data:
    """Names for the objects of the dataset, so tests read like the story."""


@pytest.fixture
def data(db, programme):
    d = Data()
    d.programme = programme
    # Four published plans (planned = 4) and a draft that must not count.
    d.plans = [make_session(programme, number=n, title=f"Session {n}") for n in (1, 2, 3, 4)]
    make_session(programme, number=5, title="Draft session").unpublish()
    d.listening = make_programme("Listening skills")

    d.org_a = OrganisationFactory(name="Écoute Kent Société", slug="ecoute")
    d.org_b = OrganisationFactory(name="Bristol Peer Network", slug="bristol")
    d.manager_a = UserFactory(
        username="manager_a", roles=[Role.PROGRAMME_MANAGER], organisation=d.org_a
    )
    d.manager_b = UserFactory(
        username="manager_b", roles=[Role.PROGRAMME_MANAGER], organisation=d.org_b
    )
    TrainingTarget.objects.create(
        organisation=d.org_a, programme=programme, trained=10, due_by=datetime.date(2027, 12, 31)
    )
    TrainingTarget.objects.create(organisation=d.org_a, programme=d.listening, trained=4)
    TrainingTarget.objects.create(organisation=d.org_b, programme=programme, trained=5)

    def people(prefix, count):
        return [UserFactory(username=f"{prefix}{i}", roles=[Role.TRAINEE]) for i in range(count)]

    def enrolments(cohort):
        return list(Enrolment.objects.filter(cohort=cohort).order_by("trainee__username"))

    # Cohort A1: four trainees. t0 completed, t1 and t2 active, t3 withdrew.
    d.a1 = make_cohort(programme, d.org_a, trainees=people("a1_", 4), name="Kent, winter")
    d.a1.starts_on = datetime.date(2027, 1, 10)
    d.a1.save()
    t0, t1, t2, t3 = enrolments(d.a1)
    Enrolment.objects.filter(pk=t0.pk).update(status=Enrolment.Status.COMPLETED)
    Enrolment.objects.filter(pk=t3.pk).update(status=Enrolment.Status.WITHDRAWN)
    # t1 meets the rule but is not signed off yet: "ready", not "completed".
    ProgrammeProgress.objects.create(enrolment=t0, is_complete=True)
    ProgrammeProgress.objects.create(enrolment=t1, is_complete=True)
    ProgrammeProgress.objects.create(enrolment=t2, is_complete=False)

    now = timezone.now()
    s1 = make_scheduled_session(d.a1, d.plans[0], days_from_now=-14, register_taken_at=now)
    s2 = make_scheduled_session(d.a1, d.plans[1], days_from_now=-7)  # started: held
    s3 = make_scheduled_session(d.a1, d.plans[2], days_from_now=-3, cancelled=True)
    s4 = make_scheduled_session(d.a1, d.plans[3], days_from_now=7)  # future: not held
    support = make_scheduled_session(
        d.a1, None, days_from_now=-1, kind=ScheduledSession.Kind.SUPPORT
    )
    d.a1_sessions = [s1, s2, s3, s4]
    mark(s1, t0, "present")
    mark(s1, t1, "late")
    mark(s1, t2, "absent")
    mark(s1, t3, "present")  # withdrew later: left out
    mark(s2, t0, "left_early")
    mark(s2, t1, "excused")
    mark(s2, t2, "present")
    mark(s3, t0, "present")  # cancelled session: not counted
    mark(s4, t1, "present")  # future session: not counted
    mark(support, t2, "present")  # support meeting: not training
    # A1 in the room: s1 t0+t1, s2 t0+t2 = 4, out of 3 still enrolled x 2 held = 6 -> 67%.

    # Cohort A2: two trainees (u0 active, u1 invited), one session held.
    d.a2 = make_cohort(programme, d.org_a, trainees=people("a2_", 2), name="Kent, summer")
    d.a2.starts_on = datetime.date(2027, 6, 1)
    d.a2.save()
    u0, u1 = enrolments(d.a2)
    Enrolment.objects.filter(pk=u1.pk).update(status=Enrolment.Status.INVITED)
    a2s1 = make_scheduled_session(d.a2, d.plans[0], days_from_now=-2, register_taken_at=now)
    mark(a2s1, u0, "present")
    mark(a2s1, u1, "absent")
    # u0 caught up A1's session 1 as a visitor: counts in neither cohort's rate.
    mark(s1, u0, "present")
    # A2: 1 in the room out of 2 x 1 -> 50%.

    # Cohort B1 of the other organisation: three trainees, one completed, all present.
    d.b1 = make_cohort(programme, d.org_b, trainees=people("b1_", 3), name="Bristol, spring")
    d.b1.starts_on = datetime.date(2027, 2, 1)
    d.b1.save()
    b0, b1, b2 = enrolments(d.b1)
    Enrolment.objects.filter(pk=b0.pk).update(status=Enrolment.Status.COMPLETED)
    b1s1 = make_scheduled_session(d.b1, d.plans[0], days_from_now=-5)
    for enrolment in (b0, b1, b2):
        mark(b1s1, enrolment, "present")
    return d


def cohort_table(response):
    """The per-cohort section of the page (the cohort menu of the form lists them all)."""
    page = response.content.decode()
    return page[page.index('id="cohorts-heading"') : page.index('id="sessions"')]


def row_for(rows, **wanted):
    [row] = [r for r in rows if all(getattr(r, k) == v for k, v in wanted.items())]
    return row


# --- figures -----------------------------------------------------------------------------


def test_trained_against_target_counts_completed_places_only(data):
    rows = reports.target_rows(data.manager_a)
    assert [(r.organisation, r.programme) for r in rows] == [
        ("Écoute Kent Société", PROGRAMME),
        ("Écoute Kent Société", "Listening skills"),
    ]
    main, listening = rows
    assert (main.target, main.due_by) == (10, datetime.date(2027, 12, 31))
    assert main.enrolled == 6
    assert main.completed == 1  # t0 only: t1 meets the rule but is not signed off
    assert main.ready == 1  # t1
    assert main.in_training == 4  # t1, t2, u0, u1 (invited)
    assert main.withdrawn == 1  # t3
    assert main.percent_of_target == 10
    # A target with no cohort yet still shows, with nothing trained.
    assert (listening.target, listening.completed, listening.percent_of_target) == (4, 0, 0)


def test_cohort_rows_count_held_sessions_and_attendance_exactly(data):
    rows = reports.cohort_rows(data.manager_a)
    assert [r.name for r in rows] == ["Kent, winter", "Kent, summer"]
    a1, a2 = rows
    assert (a1.enrolled, a1.completed, a1.withdrawn, a1.still_enrolled) == (4, 1, 1, 3)
    # s1 (register taken) and s2 (start passed); s3 cancelled and s4 in the future are not.
    assert a1.sessions_held == 2
    assert a1.sessions_cancelled == 1
    assert a1.sessions_planned == 4  # the draft fifth session is not planned
    assert (a1.in_the_room, a1.expected) == (4, 6)
    assert a1.attendance_percent == 67
    assert a1.dropout_percent == 25
    assert (a2.enrolled, a2.withdrawn, a2.sessions_held) == (2, 0, 1)
    assert (a2.in_the_room, a2.expected, a2.attendance_percent) == (1, 2, 50)
    assert a2.dropout_percent == 0


def test_sessions_by_number_add_up_the_chosen_cohorts(data):
    rows = reports.session_number_rows(data.manager_a)
    # Session 3 was cancelled and session 4 is ahead: neither was held anywhere.
    assert [r.number for r in rows] == [1, 2]
    one, two = rows
    # Held in A1 (3 still enrolled) and A2 (2): 5 expected; in the room t0, t1 and u0.
    assert (one.held, one.expected, one.in_the_room, one.attendance_percent) == (2, 5, 3, 60)
    assert (one.late, one.absent, one.excused, one.left_early) == (1, 2, 0, 0)
    assert (two.held, two.expected, two.in_the_room, two.attendance_percent) == (1, 3, 2, 67)
    assert (two.left_early, two.excused) == (1, 1)


def test_sessions_of_one_cohort_show_held_cancelled_and_future(data):
    rows = reports.cohort_session_rows(data.a1)
    assert [r.number for r in rows] == [1, 2, 3, 4]
    s1, s2, s3, s4 = rows
    assert (s1.held, s1.in_the_room, s1.expected, s1.attendance_percent) == (1, 2, 3, 67)
    assert (s1.late, s1.absent) == (1, 1)
    assert (s2.held, s2.in_the_room, s2.attendance_percent) == (1, 2, 67)
    assert s3.cancelled and s3.held == 0 and s3.attendance_percent is None
    assert not s4.cancelled and s4.held == 0 and s4.in_the_room == 0
    assert s4.attendance_percent is None


def test_percent_rounds_halves_up_and_has_no_figure_without_a_base():
    assert reports.percent(1, 8) == 13  # 12.5
    assert reports.percent(2, 3) == 67
    assert reports.percent(3, 0) is None


def test_a_superuser_sees_every_organisation(data, client):
    admin = User.objects.create_superuser("boss", "boss@example.org", "x")
    names = {(r.organisation, r.programme) for r in reports.target_rows(admin)}
    assert ("Bristol Peer Network", PROGRAMME) in names
    assert {r.name for r in reports.cohort_rows(admin)} >= {"Kent, winter", "Bristol, spring"}
    client.force_login(admin)
    table = cohort_table(client.get(REPORT))
    assert "Kent, winter" in table and "Bristol, spring" in table


# --- the page ----------------------------------------------------------------------------


def test_the_page_shows_the_figures_the_chart_and_explains_them(data, client):
    client.force_login(data.manager_a)
    response = client.get(REPORT)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kent, winter" in page and "Kent, summer" in page
    assert "Écoute Kent Société" in page
    # Plain explanation of what "trained" means.
    assert "marked <strong>Completed</strong>" in page
    # The chart: an accessible SVG with a title, a description and labelled bars.
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Écoute Kent Société · Becoming a peer support agent: 1 completed" in svg  # <desc>
    assert '<text class="chart-label" x="0" y="18">Écoute Kent Société</text>' in svg
    assert "1 completed (10%)" in svg and "target 10" in svg
    assert "Listening skills</text>" in svg and "0 completed (0%)" in svg and "target 4" in svg
    assert svg.count('class="bar-completed"') == 2
    # The cohort table's figures.
    assert "67%" in page and "25%" in page and "2 of 4" in page
    # The downloads carry no filter when none was chosen.
    assert f'href="{EXPORT}"' in page and f'href="{PDF}"' in page


def test_the_page_for_one_cohort_lists_its_sessions(data, client):
    client.force_login(data.manager_a)
    response = client.get(REPORT, {"cohort": data.a1.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Attendance at each session of Kent, winter" in page
    assert "(cancelled)" in page and "(not held yet)" in page
    assert f"{EXPORT}?cohort={data.a1.pk}" in page


def test_a_manager_of_one_organisation_never_sees_the_other(data, client):
    client.force_login(data.manager_a)
    page = client.get(REPORT).content.decode()
    assert "Bristol" not in page
    client.force_login(data.manager_b)
    page = client.get(REPORT).content.decode()
    assert "Bristol, spring" in page
    assert "Kent" not in page and "Écoute" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "bristol"},  # replaced by the id below
        {"cohort": "b1"},
        {"organisation": "999999"},
        {"starts_from": "31/12/2027"},
    ],
)
def test_a_manager_cannot_filter_their_way_into_another_organisation(data, client, query):
    ids = {"bristol": data.org_b.pk, "b1": data.b1.pk}
    query = {k: ids.get(v, v) for k, v in query.items()}
    client.force_login(data.manager_a)
    response = client.get(REPORT, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error"' in page
    assert "Bristol" not in page
    assert 'id="cohorts-heading"' not in page and "<svg" not in page  # no figures at all
    for url in (EXPORT, PDF):
        refused = client.get(url, query)
        assert refused.status_code == 400
        assert b"Bristol" not in refused.content


@pytest.mark.parametrize("persona", ["trainer", "trainee", "editor", "evaluation_lead"])
def test_people_who_are_not_managers_are_refused(persona, request, data, client):
    client.force_login(request.getfixturevalue(persona))
    for url in (REPORT, EXPORT, PDF):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(data, client):
    for url in (REPORT, EXPORT, PDF):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_report_only_reads(data, client):
    client.force_login(data.manager_a)
    for url in (REPORT, EXPORT, PDF):
        assert client.post(url).status_code == 405


def test_filters_by_organisation_programme_and_dates(data, client):
    client.force_login(data.manager_a)
    page = client.get(REPORT, {"programme": data.listening.pk}).content.decode()
    assert "No cohorts match these choices." in page
    assert "Listening skills" in page

    table = cohort_table(client.get(REPORT, {"starts_from": "2027-03-01"}))
    assert "Kent, summer" in table and "Kent, winter" not in table
    report = reports.build_report(
        data.manager_a, reports.ReportFilters(starts_from=datetime.date(2027, 3, 1))
    )
    main = row_for(report.targets, programme=PROGRAMME)
    assert (main.target, main.completed, main.in_training, main.withdrawn) == (10, 0, 2, 0)
    assert [r.number for r in report.sessions] == [1]

    table = cohort_table(client.get(REPORT, {"starts_to": "2027-03-01"}))
    assert "Kent, winter" in table and "Kent, summer" not in table

    response = client.get(REPORT, {"organisation": data.org_a.pk})
    assert "Kent, winter" in cohort_table(response)
    assert 'class="error"' not in response.content.decode()


def test_dates_in_the_wrong_order_are_explained(data, client):
    client.force_login(data.manager_a)
    page = client.get(
        REPORT, {"starts_from": "2027-06-01", "starts_to": "2027-01-01"}
    ).content.decode()
    assert "The first date is after the second one" in page
    assert 'id="cohorts-heading"' not in page


def test_a_cohort_outside_the_other_choices_is_refused(data, client):
    client.force_login(data.manager_a)
    page = client.get(REPORT, {"cohort": data.a1.pk, "starts_from": "2027-03-01"})
    assert "This cohort is not among the cohorts you chose" in page.content.decode()


# --- the spreadsheet ---------------------------------------------------------------------


def read_workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_spreadsheet_holds_targets_cohorts_and_sessions(data, client):
    client.force_login(data.manager_a)
    workbook = read_workbook(client.get(EXPORT))
    assert workbook.sheetnames == ["Targets", "Cohorts", "Sessions", "About"]

    targets = sheet_rows(workbook["Targets"])
    assert targets[0][:5] == ["Organisation", "Programme", "Target", "Due by", "Completed"]
    assert targets[1][:3] == ["Écoute Kent Société", PROGRAMME, 10]
    assert targets[1][3].date() == datetime.date(2027, 12, 31)
    assert targets[1][4:] == [1, 4, 1, 0.1, 1]
    assert targets[2][:3] == ["Écoute Kent Société", "Listening skills", 4]
    assert workbook["Targets"]["H2"].number_format == "0%"

    cohorts = sheet_rows(workbook["Cohorts"])
    assert [row[1] for row in cohorts[1:]] == ["Kent, winter", "Kent, summer"]
    winter = cohorts[1]
    assert winter[5:] == [4, 1, 1, 2, 4, 4, 6, 0.67, 0.25]
    assert cohorts[2][5:] == [2, 0, 0, 1, 4, 1, 2, 0.5, 0]

    sessions = sheet_rows(workbook["Sessions"])
    assert [row[0] for row in sessions[1:]] == [1, 2]
    assert sessions[1][:6] == [1, 2, "all chosen cohorts", 3, 5, 0.6]

    about = sheet_rows(workbook["About"])
    assert about[0] == ["Peer supporters trained: report", None]
    assert ["Filter", "All the cohorts of your organisations"] in about

    text = repr([sheet_rows(workbook[name]) for name in workbook.sheetnames])
    assert "Bristol" not in text


def test_the_spreadsheet_keeps_the_page_filters(data, client):
    client.force_login(data.manager_a)
    workbook = read_workbook(client.get(EXPORT, {"cohort": data.a1.pk}))
    sessions = sheet_rows(workbook["Sessions"])
    assert sessions[0][:3] == ["Session", "Title", "Date"]
    assert [row[0] for row in sessions[1:]] == [1, 2, 3, 4]
    assert sessions[1][1] == "Session 1"
    assert sessions[1][3:6] == [2, 3, 0.67]
    assert sessions[3][3:6] == [0, 0, None]  # cancelled

    workbook = read_workbook(client.get(EXPORT, {"starts_from": "2027-03-01"}))
    assert [row[1] for row in sheet_rows(workbook["Cohorts"])[1:]] == ["Kent, summer"]


def test_another_manager_spreadsheet_has_only_their_organisation(data, client):
    client.force_login(data.manager_b)
    workbook = read_workbook(client.get(EXPORT))
    text = repr([sheet_rows(workbook[name]) for name in workbook.sheetnames])
    assert "Bristol, spring" in text
    assert "Kent" not in text and "Écoute" not in text


# --- the PDF -----------------------------------------------------------------------------


def read_pdf(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_summary_for_the_steering_group(data, client):
    client.force_login(data.manager_a)
    reader, text = read_pdf(client.get(PDF))
    assert 1 <= len(reader.pages) <= 2
    assert "Peer supporters trained" in text
    assert "Summary for the steering group" in text
    assert "Écoute Kent Société" in text  # accents survive the embedded font
    assert "Kent, winter" in text and "Kent, summer" in text
    assert "10%" in text and "67%" in text and "25%" in text and "2 / 4" in text
    assert "All the cohorts of your organisations" in text
    assert "Bristol" not in text
    # The chart is drawn with reportlab: its legend and bar labels are text in the page.
    assert "Number of trainees" in text and "Target" in text


def test_the_pdf_names_its_filters(data, client):
    client.force_login(data.manager_a)
    _reader, text = read_pdf(client.get(PDF, {"starts_from": "2027-03-01"}))
    assert "Cohorts starting on or after" in text
    assert "Kent, summer" in text and "Kent, winter" not in text


def test_another_manager_pdf_has_only_their_organisation(data, client):
    client.force_login(data.manager_b)
    _reader, text = read_pdf(client.get(PDF))
    assert "Bristol Peer Network" in text and "Bristol, spring" in text
    assert "Kent" not in text and "Écoute" not in text


# --- the manager's home page -------------------------------------------------------------


def test_the_manager_home_shows_headlines_and_their_cohorts(data, client):
    client.force_login(data.manager_a)
    page = client.get("/").content.decode()
    assert "1 of 10 trained" in page
    assert "0 of 4 trained" in page
    assert f'href="{REPORT}"' in page and "Open the full report" in page
    assert "Kent, winter" in page and "Kent, summer" in page
    assert "Bristol" not in page
    # The programmes table stays.
    assert "Published programmes and their planned contact time" in page
