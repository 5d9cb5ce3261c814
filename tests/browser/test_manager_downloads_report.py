"""A programme manager on a phone opens the report from their home page, sees the chart,
and downloads the spreadsheet and the PDF for a steering-group meeting."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


STATUSES = ["present", "present", "late", "absent"]


def build_data():
    """Two organisations; the manager belongs to the first. Built here rather than with
    the demo command so the figures are known exactly."""
    from lms.roles import Role
    from tests.factories import (
        PASSWORD,
        OrganisationFactory,
        UserFactory,
        make_cohort,
        make_programme,
        make_scheduled_session,
        make_session,
        mark,
    )
    from training.models import Enrolment, TrainingTarget

    programme = make_programme("Becoming a peer support agent")
    plans = [make_session(programme, number=n) for n in (1, 2, 3)]
    ours = OrganisationFactory(name="Réseau Pair-Aidance Kent", slug="kent")
    theirs = OrganisationFactory(name="Bristol Peer Network", slug="bristol")
    manager = UserFactory(
        username="manager_kent", roles=[Role.PROGRAMME_MANAGER], organisation=ours
    )
    TrainingTarget.objects.create(organisation=ours, programme=programme, trained=8)
    TrainingTarget.objects.create(organisation=theirs, programme=programme, trained=5)
    for organisation, name in ((ours, "Kent, spring"), (theirs, "Bristol, spring")):
        trainees = [UserFactory(roles=[Role.TRAINEE]) for _ in range(4)]
        cohort = make_cohort(programme, organisation, trainees=trainees, name=name)
        cohort.starts_on = datetime.date(2027, 3, 1)
        cohort.save()
        enrolments = list(Enrolment.objects.filter(cohort=cohort).order_by("pk"))
        Enrolment.objects.filter(pk__in=[e.pk for e in enrolments[:2]]).update(
            status=Enrolment.Status.COMPLETED
        )
        held = make_scheduled_session(cohort, plans[0], days_from_now=-7)
        make_scheduled_session(cohort, plans[1], days_from_now=7)
        for enrolment, status in zip(enrolments, STATUSES, strict=True):
            mark(held, enrolment, status)
    return manager, PASSWORD


def test_a_manager_downloads_the_report(live_server, page):
    manager, password = build_data()
    log_in(page, live_server.url, manager.username, password)
    page.get_by_role("heading", name="Peer supporters trained").wait_for()
    assert "2 of 8 trained" in page.content()

    page.get_by_role("link", name="Open the full report").click()
    page.get_by_role("heading", name="Training report").wait_for()
    chart = page.locator("svg[role=img]")
    chart.wait_for()
    assert chart.is_visible()
    chart_text = chart.text_content()
    assert "Réseau Pair-Aidance Kent · Becoming a peer support agent" in chart_text
    assert "2 completed (25%)" in chart_text and "target 8" in chart_text
    # The bar itself is drawn: a quarter of the way to its target.
    assert chart.locator("rect.bar-completed").bounding_box()["width"] > 0
    assert "Bristol" not in page.content()

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the spreadsheet (XLSX)").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    # Playwright saves downloads without their extension, which openpyxl insists on.
    workbook = load_workbook(io.BytesIO(download.path().read_bytes()))
    assert workbook.sheetnames[:3] == ["Targets", "Cohorts", "Sessions"]
    targets = list(workbook["Targets"].iter_rows(min_row=2, values_only=True))
    assert [row[:3] for row in targets] == [
        ("Réseau Pair-Aidance Kent", "Becoming a peer support agent", 8)
    ]
    assert targets[0][4] == 2 and targets[0][7] == 0.25
    cohorts = list(workbook["Cohorts"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in cohorts] == ["Kent, spring"]
    assert cohorts[0][12] == 0.75  # present, present, late of four

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the summary (PDF)").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Peer supporters trained" in text
    assert "Réseau Pair-Aidance Kent" in text and "Kent, spring" in text
    assert "25%" in text and "75%" in text
    assert "Bristol" not in text
