"""Noémie is in the Antwerp cohort, which runs in Dutch. Her browser speaks English, but
after logging in she reads her home page and the Dutch translation of session 2 in Dutch;
the switcher at the foot of the page lets her read English instead, and back."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_trainee_of_a_dutch_cohort_reads_the_site_and_the_session_in_dutch(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from lms import demo_languages

    call_command("load_demo", verbosity=0)
    demo_languages.load()  # safe to run twice, should load_demo already include it
    base = live_server.url

    # The login page follows the browser (English); the home page follows the cohort.
    log_in(page, base, "noemie", DEMO_PASSWORD)
    page.get_by_role("heading", name="Hallo, Noémie").wait_for()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Wat moet ik nu doen").is_visible()
    assert page.get_by_role("heading", name="Mijn volgende sessie").is_visible()
    assert page.get_by_role("button", name="Uitloggen (Noémie)").is_visible()
    assert page.get_by_role("link", name=re.compile("dingen bekijken die overblijven")).is_visible()
    assert page.get_by_text("What is next for me").count() == 0

    # Session 2 has a Dutch translation: its title, outcomes and activities are Dutch.
    page.get_by_role(
        "link", name="Sessie 2: Dieper ingaan op de rol van ervaringswerker"
    ).last.click()
    page.get_by_role(
        "heading", name="Sessie 2: Dieper ingaan op de rol van ervaringswerker", level=1
    ).wait_for()
    assert page.get_by_role("heading", name="Na deze sessie kun je").is_visible()
    assert page.get_by_text(
        "In je eigen woorden uitleggen wat de rol van een ervaringswerker is"
    ).is_visible()
    agenda = page.locator("table.agenda")
    assert agenda.get_by_text("Activiteit 1: Mijn rolmodel").is_visible()
    assert agenda.get_by_text(re.compile("Geheimhouding en vertrouwelijkheid")).is_visible()
    assert page.get_by_role("link", name="Ervaringswerker worden").is_visible()
    assert page.get_by_text("Delving deeper").count() == 0

    # Session 3 has no translation yet: its words are the original's, the page around
    # them is Dutch.
    page.get_by_role("link", name="Ervaringswerker worden").click()
    page.get_by_role("link", name=re.compile("Listening, boundaries")).first.click()
    page.get_by_role("heading", name=re.compile("Sessie 3: Listening")).wait_for()
    assert page.get_by_role("heading", name="Wat er gebeurt, in volgorde").is_visible()

    # She prefers English today: the switcher keeps her choice over the cohort's language.
    page.get_by_label("Taal").select_option(label="English")
    page.get_by_role("button", name="Taal wijzigen").click()
    page.get_by_role("heading", name=re.compile("Session 3: Listening")).wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="What is next for me").wait_for()
    page.get_by_role("link", name=re.compile("Session 2: Delving deeper")).first.wait_for()

    # And back to Dutch.
    page.get_by_label("Language").select_option(label="Nederlands")
    page.get_by_role("button", name="Change language").click()
    page.get_by_role("heading", name="Wat moet ik nu doen").wait_for()
