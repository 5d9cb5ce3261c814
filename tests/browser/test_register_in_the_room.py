"""A trainer takes the register on a phone, one tap per trainee, and loses Wi-Fi midway."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STATUSES = ["Present", "Late", "Left early", "Absent", "Excused"]
VALUES = ["present", "late", "left_early", "absent", "excused"]


def wait_until(check, timeout=15):
    """Polls the database: the page saves in the background."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("The database never reached the expected state.")


def marks_of(session):
    from training.models import AttendanceMark

    return dict(
        AttendanceMark.objects.filter(scheduled_session=session).values_list(
            "enrolment_id", "status"
        )
    )


def test_the_trainer_takes_the_register_and_a_mark_survives_lost_wifi(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from training.models import Cohort, ScheduledSession

    call_command("load_demo", verbosity=0)
    cohort = Cohort.objects.get(name="Kent, spring 2027", organisation__slug="kent")
    session = ScheduledSession.objects.create(
        cohort=cohort,
        title="Register practice",
        starts_at=timezone.now() - datetime.timedelta(minutes=10),
        place="Room 2",
    )
    enrolments = list(cohort.enrolments.exclude(status="withdrawn"))
    assert len(enrolments) >= 5

    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/sessions/{session.pk}/register/")
    page.get_by_role("heading", name="Register: Register practice").wait_for()
    page.get_by_text("All marks saved").wait_for()

    # One tap per trainee, cycling through the statuses.
    expected = {}
    for index, enrolment in enumerate(enrolments):
        row = page.locator(f"#row-{enrolment.pk}")
        row.get_by_role("button", name=STATUSES[index % 5], exact=True).click()
        expected[enrolment.pk] = VALUES[index % 5]
    wait_until(lambda: marks_of(session) == expected)
    page.get_by_text("All marks saved").wait_for()
    first = page.locator(f"#row-{enrolments[0].pk}")
    assert (
        first.get_by_role("button", name="Present", exact=True).get_attribute("aria-pressed")
        == "true"
    )
    assert "marked by" in first.locator(".register-summary").inner_text()

    # The Wi-Fi drops: the tap shows at once, waits on the phone, and the trainer is told.
    page.context.set_offline(True)
    first.get_by_role("button", name="Excused", exact=True).click()
    page.get_by_text("1 mark waiting to be sent").wait_for()
    assert (
        first.get_by_role("button", name="Excused", exact=True).get_attribute("aria-pressed")
        == "true"
    )
    assert "Not sent yet" in first.locator(".register-summary").inner_text()
    time.sleep(0.5)
    assert marks_of(session)[enrolments[0].pk] == "present"
    kept = page.evaluate(f"localStorage.getItem(PersonalStorage.key('register-{session.pk}'))")
    assert '"excused"' in kept

    # Back online, the mark is sent without the trainer doing anything.
    page.context.set_offline(False)
    wait_until(lambda: marks_of(session)[enrolments[0].pk] == "excused")
    page.get_by_text("All marks saved").wait_for()
    kept_key = f"PersonalStorage.key('register-{session.pk}')"
    assert page.evaluate(f"localStorage.getItem({kept_key})") is None

    # A reload shows what the server holds.
    page.reload()
    for index, enrolment in enumerate(enrolments):
        status = "Excused" if index == 0 else STATUSES[index % 5]
        button = page.locator(f"#row-{enrolment.pk}").get_by_role("button", name=status, exact=True)
        assert button.get_attribute("aria-pressed") == "true"
    assert page.locator('[aria-pressed="true"]').count() == len(enrolments)
    assert errors == []


def demo_session():
    from training.models import Cohort, ScheduledSession

    call_command("load_demo", verbosity=0)
    cohort = Cohort.objects.get(name="Kent, spring 2027", organisation__slug="kent")
    session = ScheduledSession.objects.create(
        cohort=cohort, title="Quick start", starts_at=timezone.now(), place="Room 2"
    )
    return cohort, session


def test_everyone_else_present_in_one_tap(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    cohort, session = demo_session()
    enrolments = list(cohort.enrolments.exclude(status="withdrawn"))
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/sessions/{session.pk}/register/")
    page.get_by_text("All marks saved").wait_for()

    page.locator(f"#row-{enrolments[0].pk}").get_by_role(
        "button", name="Absent", exact=True
    ).click()
    wait_until(lambda: marks_of(session) == {enrolments[0].pk: "absent"})
    page.get_by_role("button", name="Mark everyone not yet marked as present").click()
    page.get_by_text("Everyone not yet marked is now marked present.").wait_for()

    expected = {e.pk: "present" for e in enrolments} | {enrolments[0].pk: "absent"}
    assert marks_of(session) == expected
    for enrolment in enrolments[1:]:
        button = page.locator(f"#row-{enrolment.pk}").get_by_role(
            "button", name="Present", exact=True
        )
        assert button.get_attribute("aria-pressed") == "true"


def test_a_mark_changed_on_another_phone_is_shown_not_overwritten(live_server, page):
    from django.contrib.auth.models import User

    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from training.attendance import record_mark

    cohort, session = demo_session()
    marie = cohort.enrolments.get(trainee__username="marie")
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/sessions/{session.pk}/register/")
    page.get_by_text("All marks saved").wait_for()

    # The manager marks Marie late on their own phone after this page was opened.
    record_mark(session, marie.pk, "late", by=User.objects.get(username="manager"))
    row = page.locator(f"#row-{marie.pk}")
    row.get_by_role("button", name="Absent", exact=True).click()
    row.get_by_text("Tap again to replace it.").wait_for()
    assert "as Late at" in row.locator(".register-row-message").inner_text()
    assert row.get_by_role("button", name="Late", exact=True).get_attribute("aria-pressed") == (
        "true"
    )
    assert marks_of(session)[marie.pk] == "late"

    # Tapping again replaces it.
    row.get_by_role("button", name="Absent", exact=True).click()
    wait_until(lambda: marks_of(session)[marie.pk] == "absent")
