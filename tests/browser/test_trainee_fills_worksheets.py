"""A trainee on a phone fills in worksheets: answers save as she types, survive a lost
connection and a reload, and a classification exercise is done by keyboard and handed in."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

OFFLINE = "Not saved yet: no connection."


def answers_of(title):
    from worksheets.models import WorksheetResponse

    response = WorksheetResponse.objects.filter(
        worksheet__title=title, enrolment__trainee__username="marie"
    ).first()
    return response.answers if response else {}


def wait_for_answer(page, title, text, timeout=15_000):
    """Poll the database until ``text`` is one of the saved answers."""
    from django.db import OperationalError

    waited = 0
    while waited < timeout:
        try:
            if text in answers_of(title).values():
                return
        except OperationalError:
            # SQLite's shared in-memory test database can be locked by the server's write.
            pass
        page.wait_for_timeout(250)
        waited += 250
    raise AssertionError(f"{text!r} never reached the server: {answers_of(title)!r}")


@pytest.fixture
def marie(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    call_command("load_demo", verbosity=0)
    log_in(page, live_server.url, "marie", DEMO_PASSWORD)
    page.get_by_role("heading", name="What is next for me").wait_for()
    return page


def test_answers_are_saved_while_typing_and_survive_a_lost_connection(marie):
    page = marie
    page.get_by_role("link", name="My role model").click()
    page.get_by_role("heading", name="My role model", level=1).wait_for()
    status = page.locator("#save-status")

    first = page.get_by_role("textbox", name="Who has been a role model for you?")
    first.fill("My aunt Rosa, who ran the night shelter.")
    page.get_by_text(re.compile(r"Saved at \d")).wait_for()
    assert answers_of("My role model") == {
        first.get_attribute("name"): "My aunt Rosa, who ran the night shelter."
    }

    # The connection drops: the answer waits on the phone and the trainee is told so.
    page.context.set_offline(True)
    second = page.get_by_role("textbox", name="Did they know that you looked up to them?")
    second.fill("Yes, I told her last winter.")
    page.get_by_text(OFFLINE).wait_for()
    assert "Yes, I told her last winter." not in answers_of("My role model").values()
    kept = page.evaluate("Object.keys(localStorage).filter(k => /^lms:\\d+:worksheet-/.test(k))")
    assert len(kept) == 1

    # Back online, the answer is sent without the trainee doing anything.
    page.context.set_offline(False)
    wait_for_answer(page, "My role model", "Yes, I told her last winter.")
    page.get_by_text(re.compile(r"Saved at \d")).wait_for()
    assert "Saved at" in status.inner_text()
    assert page.evaluate("PersonalStorage.unsent().length") == 0

    # A reload shows both answers from the server.
    page.reload()
    assert first.input_value() == "My aunt Rosa, who ran the night shelter."
    assert second.input_value() == "Yes, I told her last winter."

    # A save that never arrives, then the page is opened again (the phone restarted): the
    # text kept on the phone is put back in its box and sent.
    page.route("**/save/", lambda route: route.abort())
    third = page.get_by_role("textbox", name="Which of their qualities")
    third.fill("Her patience.")
    page.get_by_text(OFFLINE).wait_for()
    page.unroute("**/save/")
    page.reload()
    wait_for_answer(page, "My role model", "Her patience.")
    assert third.input_value() == "Her patience."
    page.get_by_text(re.compile(r"Saved at \d")).wait_for()


def test_a_classification_is_answered_by_keyboard_and_handed_in(marie):
    page = marie
    page.get_by_role("link", name="Secrecy and confidentiality").click()
    page.get_by_role("heading", name="Secrecy and confidentiality", level=1).wait_for()

    shelter = page.get_by_role("group", name="Entering a shelter", exact=True)
    yes = shelter.get_by_role("radio", name="Yes")
    yes.focus()
    page.keyboard.press("Space")
    assert yes.is_checked()
    # Arrow keys move the choice within the group, as in any radio group.
    page.keyboard.press("ArrowRight")
    assert shelter.get_by_role("radio", name="No").is_checked()
    page.keyboard.press("ArrowLeft")
    assert yes.is_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Everyone in the queue hears the names.")
    assert shelter.get_by_label("Why?").input_value() == "Everyone in the queue hears the names."

    page.get_by_text("Hand in my worksheet").click()
    page.get_by_role("button", name="Yes, hand it in now").click()
    page.get_by_text("You have handed in “Secrecy and confidentiality”").wait_for()

    # Read-only now: nothing to change, and the answers are there.
    shelter = page.get_by_role("group", name="Entering a shelter", exact=True)
    assert shelter.get_by_role("radio", name="Yes").is_checked()
    assert shelter.get_by_role("radio", name="Yes").is_disabled()
    assert shelter.get_by_label("Why?").is_disabled()
    assert page.get_by_role("button", name="Save my answers").count() == 0
    assert "You handed in this worksheet on" in page.content()
    saved = answers_of("Secrecy and confidentiality")
    assert "Yes" in saved.values()
    assert "Everyone in the queue hears the names." in saved.values()


def test_two_tabs_and_a_logout_never_lose_an_answer(marie, live_server):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    laptop = marie
    laptop.get_by_role("link", name="Me as a role model").click()
    phone = laptop.context.new_page()
    phone.goto(laptop.url)

    def box(page, value):
        return page.get_by_role("group", name=value).get_by_role("textbox")

    box(laptop, "Hope").fill("I tell my own story.")
    laptop.get_by_text(re.compile(r"Saved at \d")).wait_for()

    # The phone still shows the empty box and writes something else in it.
    box(phone, "Hope").fill("I keep going back.")
    conflict = phone.get_by_role("heading", name="This answer was also changed on another device")
    conflict.wait_for()
    choices = phone.locator("#conflicts")
    assert "I tell my own story." in choices.inner_text()
    assert "I keep going back." in choices.inner_text()
    choices.get_by_role("button", name="Keep both").click()
    both = "I keep going back.\n\nI tell my own story."
    wait_for_answer(phone, "Me as a role model", both)
    assert box(phone, "Hope").input_value() == both
    assert choices.is_hidden()

    # A change on one device shows up on the other at its next save.
    box(phone, "Empathy").fill("I listen before I answer.")
    wait_for_answer(phone, "Me as a role model", "I listen before I answer.")
    box(laptop, "Equity").fill("We decide together.")
    laptop.get_by_text("Updated with changes made on another device.").wait_for()
    assert box(laptop, "Empathy").input_value() == "I listen before I answer."
    assert box(laptop, "Hope").input_value() == both

    # Logged out (the session ended): the answer waits and the trainee is asked to log in.
    laptop.context.clear_cookies()
    box(laptop, "Acceptance").fill("Nobody is judged here.")
    laptop.get_by_text("You have been logged out.").wait_for()
    link = laptop.get_by_role("link", name="Log in again (opens a new tab)")
    assert link.get_attribute("target") == "_blank"
    log_in(phone, live_server.url, "marie", DEMO_PASSWORD)
    phone.get_by_role("heading", name="What is next for me").wait_for()
    # The waiting tab tries again every 10 seconds and now gets through.
    wait_for_answer(laptop, "Me as a role model", "Nobody is judged here.", timeout=15_000)
    laptop.get_by_text(re.compile(r"Saved at \d")).wait_for()
