"""A trainer on a phone adds a trainee who has no email, prints their login card, and the
trainee logs in with the code on it, chooses a PIN, and logs in with the PIN from then on: the
code works only once."""

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


def assert_choosing_page_accessible(page):
    """axe finds nothing serious on the choosing page, showing a refused PIN: checked in a
    copy of the browser (same login) that lets axe's injected script run, which the site's
    Content-Security-Policy would rightly refuse."""
    from tests.browser.test_accessibility import AXE, FAILING, axe_violations

    context = page.context.browser.new_context(
        viewport={"width": 390, "height": 844},
        storage_state=page.context.storage_state(),
        bypass_csp=True,
    )
    copy = context.new_page()
    copy.goto(page.url)
    copy.get_by_label("Your new PIN").fill("111111")
    copy.get_by_label("The same PIN again").fill("111111")
    copy.get_by_role("button", name="Use this PIN").click()
    copy.get_by_text("This PIN is too easy to guess").wait_for()
    found = [v for v in axe_violations(copy, AXE) if v["impact"] in FAILING]
    context.close()
    assert not found, found


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

    # The code opens only the page where they choose their own PIN or password.
    phone.get_by_role("heading", name="Choose how you will log in").wait_for()
    phone.goto(f"{live_server.url}/account/")
    phone.get_by_role("heading", name="Choose how you will log in").wait_for()
    pin = phone.get_by_label("Your new PIN")
    assert pin.get_attribute("inputmode") == "numeric"
    pin.fill("123456")
    phone.get_by_label("The same PIN again").fill("123456")
    phone.get_by_role("button", name="Use this PIN").click()
    phone.get_by_text("This PIN is too easy to guess").wait_for()
    assert_choosing_page_accessible(phone)
    phone.get_by_label("Your new PIN").fill("270419")
    phone.get_by_label("The same PIN again").fill("270419")
    phone.get_by_role("button", name="Use this PIN").click()
    phone.get_by_text("Your PIN is saved").wait_for()
    phone.get_by_role("button", name=re.compile("Log out")).click()

    # The code does not work a second time; the PIN does.
    phone.goto(f"{live_server.url}/login/?username={username}")
    phone.get_by_label("Password").fill(code)
    phone.get_by_role("button", name="Log in").click()
    phone.get_by_text("Your name or password is not right").wait_for()
    phone.get_by_label("Password").fill("270419")
    phone.get_by_role("button", name="Log in").click()
    phone.get_by_role("button", name=re.compile("Log out")).wait_for()
    # Their account page says who printed the card, and that it was used.
    phone.goto(f"{live_server.url}/account/")
    assert "It was used on" in phone.locator("main").inner_text()
    trainee_page.close()

    # Back on the group's page, the card shows as printed.
    page.goto(f"{live_server.url}/cohorts/{cohort.pk}/")
    assert "Login card printed on" in page.locator("#trainees").inner_text()
