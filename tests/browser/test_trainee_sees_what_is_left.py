"""A trainee who missed a session and has a worksheet to hand in opens the platform on a
phone and reads what is left, on the home page and on their progress page."""

import re

import pytest

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def build():
    from lms.roles import Role
    from tests.factories import (
        PASSWORD,
        OrganisationFactory,
        UserFactory,
        activity,
        make_cohort,
        make_programme,
        make_scheduled_session,
        make_session,
        mark,
        part,
        worksheet_with_parts,
    )
    from training.models import AttendanceMark

    organisation = OrganisationFactory(name="Kent Peer Network", slug="kent")
    trainee = UserFactory(
        username="amina", first_name="Amina", roles=[Role.TRAINEE], organisation=organisation
    )
    programme = make_programme("Becoming a peer supporter")
    role_model = worksheet_with_parts("My role model", part("reflection", "private"))
    plans = [
        make_session(programme, number=1, title="Meeting each other"),
        make_session(
            programme,
            number=2,
            title="Lived experience",
            activities=[activity(worksheet=role_model)],
        ),
        make_session(programme, number=3, title="Listening"),
    ]
    cohort = make_cohort(programme, organisation, trainees=[trainee], name="Kent, spring")
    enrolment = cohort.enrolments.get()
    held = [
        make_scheduled_session(cohort, plans[0], days_from_now=-14),
        make_scheduled_session(cohort, plans[1], days_from_now=-7),
    ]
    make_scheduled_session(cohort, plans[2], days_from_now=7, place="Community room")
    mark(held[0], enrolment, AttendanceMark.Status.ABSENT)
    mark(held[1], enrolment, AttendanceMark.Status.PRESENT)
    return trainee.username, PASSWORD


def test_a_trainee_on_a_phone_reads_what_is_left(live_server, page):
    username, password = build()

    log_in(page, live_server.url, username, password)

    left = page.get_by_role("region", name="My next session")
    left.get_by_role("heading", name="What is left to complete").wait_for()
    text = left.inner_text()
    assert re.search(r"Come to Session 3 on \w+ \d+ \w+ at 10:00", text)
    assert "Where: Community room" in text
    assert "Hand in the worksheet My role model" in text
    assert "You missed Session 1: ask your trainer for a catch-up" in text
    # It comes before the worksheet list, and the page fits the phone's width.
    home = page.locator("main").inner_text()
    assert home.index("What is left to complete") < home.index("What is next for me")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    left.get_by_role("link", name=re.compile("See all|See my progress")).click()
    page.get_by_role("heading", name="My progress", level=1).wait_for()
    body = page.locator("main").inner_text()
    assert "You have come to 1 of 3 sessions. You need 3." in body
    assert "You missed Session 1: ask your trainer for a catch-up" in body
    assert "Session 1: Meeting each other" in body
    assert "Absent" in body
    assert "Worksheet My role model: not handed in" in body
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The worksheet item leads to the worksheet itself.
    page.get_by_role("link", name="Hand in the worksheet My role model").click()
    page.get_by_role("heading", name=re.compile("My role model")).first.wait_for()
