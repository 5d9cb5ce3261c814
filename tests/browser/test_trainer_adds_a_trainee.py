"""A trainer on a phone adds a trainee who has no email, prints their login card, and the
trainee logs in with the code on it."""

import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CODE = re.compile(r"\b([A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4})\b")


def test_a_trainer_adds_a_trainee_without_email_and_prints_the_card(live_server, page, tmp_path):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from training.models import Cohort

    call_command("load_demo", verbosity=0)
    cohort = Cohort.objects.filter(trainers__user__username="trainer").first()
    cohort.capacity = 30  # room for one more, whatever the demo enrols
    cohort.save()

    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.get_by_role("heading", name="Your sessions").wait_for()
    page.get_by_role("link", name=f"Open the group {cohort.name}").click()
    page.get_by_role("heading", name=cohort.name).wait_for()

    page.get_by_role("link", name="Add a trainee", exact=True).click()
    page.get_by_label("First name").fill("Amélie")
    page.get_by_label("Last name").fill("Nkemelu")
    page.get_by_role("button", name="Add to the group").click()
    page.get_by_role("heading", name="Amélie Nkemelu is in the group").wait_for()
    assert "no email" in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Print their login card").click()
    path = tmp_path / "card.pdf"
    download_info.value.save_as(path)
    text = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Amélie Nkemelu" in text
    code = CODE.search(text).group(1)
    username = re.search(r"\b(amelie\.n\d*)\b", text).group(1)

    # The trainee logs in on their own phone through the link in the QR code.
    trainee_page = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    phone = trainee_page.new_page()
    phone.goto(f"{live_server.url}/login/?username={username}")
    assert phone.get_by_label("User name").input_value() == username
    phone.get_by_label("Password").fill(code)
    phone.get_by_role("button", name="Log in").click()
    phone.get_by_role("button", name=re.compile("Log out")).wait_for()
    trainee_page.close()

    # Back on the group's page, the card shows as printed.
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    assert "Login card printed on" in page.locator("#trainees").inner_text()
