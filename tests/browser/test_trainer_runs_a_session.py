"""A trainer on a phone logs in, opens the demo session and reads the agenda."""

import re

import pytest
from django.core.management import call_command

# Migrations create the page tree root and the role groups; a serialized rollback restores
# them after each test flushes the database.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, base_url, username, password):
    page.goto(f"{base_url}/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_trainer_opens_the_demo_session_and_sees_the_agenda(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    call_command("load_demo", verbosity=0)
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.get_by_role("heading", name="Your sessions").wait_for()

    page.get_by_role("link", name=re.compile("Delving deeper")).first.click()
    page.get_by_role("heading", name=re.compile("Delving deeper")).wait_for()

    agenda = page.get_by_role("table", name=re.compile("Agenda from 10:00"))
    rows = agenda.get_by_role("row")
    assert "Introduction" in rows.nth(1).inner_text()
    assert "15–20 min" in rows.nth(1).inner_text()
    assert re.search(r"10:15–10:20\s+Activity 1: My role model", rows.nth(2).inner_text())

    # A later start moves every clock time.
    page.get_by_label("Start time").fill("13:30")
    page.get_by_role("button", name="Update times").click()
    page.get_by_role("table", name=re.compile("Agenda from 13:30")).wait_for()
    assert "13:45–13:50" in page.get_by_role("table").inner_text()

    # The guide link serves a real PDF.
    href = page.get_by_role("link", name="Facilitator guide (PDF)").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_a_trainee_reads_the_session_outline_without_facilitator_notes(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    call_command("load_demo", verbosity=0)
    log_in(page, live_server.url, "marie", DEMO_PASSWORD)
    page.get_by_role("heading", name="What is next for me").wait_for()
    page.get_by_role("link", name=re.compile("Delving deeper")).first.click()
    page.get_by_role("heading", name=re.compile("Delving deeper")).wait_for()
    assert page.get_by_role("link", name="Facilitator guide (PDF)").count() == 0
    assert page.get_by_role("heading", name="Alternatives and tips").count() == 0
    assert page.get_by_role("heading", name="Questions for reflection").count() == 0
    # The content note warns ahead of the story without telling it.
    assert "Please note" in page.content()
    assert "Valladolid" not in page.content()
