"""A computer in a community centre, used by one trainee after another: what the browser keeps
for one person is never left for the next, and nothing unsent is lost without a warning."""

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRET = "I have been sober for three months and I am scared of the summer."
KEPT = "Object.keys(localStorage).filter(k => !/^lms:\\d+:pages$/.test(k))"


@pytest.fixture
def demo(live_server):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    call_command("load_demo", verbosity=0)
    return DEMO_PASSWORD


def write_offline(page):
    """Marie writes a private reflection with no connection: it waits in this browser."""
    page.get_by_role("link", name="My role model").click()
    page.get_by_role("heading", name="My role model", level=1).wait_for()
    page.context.set_offline(True)
    page.get_by_role("textbox", name="Who has been a role model for you?").fill(SECRET)
    page.get_by_text("Not saved yet: no connection.").wait_for()
    kept = page.evaluate(f"{KEPT}.map(k => localStorage.getItem(k)).join(' ')")
    assert SECRET in kept


def test_logging_out_with_unsent_answers_warns_first(live_server, page, demo):
    log_in(page, live_server.url, "marie", demo)
    write_offline(page)

    page.get_by_role("button", name="Log out (Marie)").click()
    warning = page.get_by_role("alert").filter(has_text="not sent yet")
    warning.wait_for()
    # It says where the answers are, and nothing is gone yet.
    assert warning.get_by_role("link", name="My role model").count() == 1
    assert SECRET in page.evaluate(f"{KEPT}.map(k => localStorage.getItem(k)).join(' ')")
    assert page.get_by_role("heading", name="My role model", level=1).is_visible()

    # She chooses to leave anyway: the browser keeps nothing of hers.
    page.context.set_offline(False)
    page.get_by_role("button", name="Log out anyway").click()
    page.get_by_label("User name").wait_for()
    assert page.evaluate(KEPT) == []


def test_logging_out_sends_what_is_waiting_when_it_can(live_server, page, demo):
    from worksheets.models import WorksheetResponse

    log_in(page, live_server.url, "marie", demo)
    write_offline(page)
    page.context.set_offline(False)
    page.get_by_role("button", name="Log out (Marie)").click()
    page.get_by_label("User name").wait_for()
    assert page.evaluate(KEPT) == []
    answers = WorksheetResponse.objects.get(
        worksheet__title="My role model", enrolment__trainee__username="marie"
    ).answers
    assert SECRET in answers.values()


def test_the_next_person_never_finds_the_last_ones_answers(live_server, page, demo):
    log_in(page, live_server.url, "marie", demo)
    write_offline(page)
    # Marie walks away; her login ends (the idle limit, say) without logging out.
    page.context.set_offline(False)
    page.context.clear_cookies()

    log_in(page, live_server.url, "mark", demo)
    page.get_by_role("heading", name="What is next for me").wait_for()
    assert page.evaluate(KEPT) == []
    assert SECRET not in page.content()
