"""The whole round trip in the browser: a trainee fills in the values table on a phone and
hands it in, the trainer returns it with a comment, and the trainee reads the comment."""

import re

import pytest

from tests.browser.test_trainee_fills_worksheets import marie, wait_for_answer  # noqa: F401
from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_trainee_hands_in_the_values_table_and_reads_the_trainers_feedback(
    marie,  # noqa: F811
    live_server,
):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    page = marie
    page.get_by_role("link", name="Me as a role model", exact=True).click()
    hope = page.get_by_role("group", name="Hope", exact=True)
    hope.get_by_role("textbox").fill("I tell them how long it took me to find a flat.")
    page.get_by_text(re.compile("Saved at")).wait_for()
    wait_for_answer(page, "Me as a role model", "I tell them how long it took me to find a flat.")
    page.get_by_text("Hand in my worksheet").click()
    page.get_by_role("button", name="Yes, hand it in now").click()
    page.get_by_text("You have handed in “Me as a role model”").wait_for()

    # The trainer reads the shared table, comments and returns it.
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    # The trainer runs several cohorts: open the worksheets of Marie's.
    from django.urls import reverse

    from training.models import Cohort

    spring = Cohort.objects.get(name="Kent, spring 2027")
    page.goto(f"{live_server.url}{reverse('worksheets:grid', args=[spring.pk])}")
    page.get_by_role("link", name=re.compile("Handed in")).first.click()
    assert "I tell them how long it took me to find a flat." in page.content()
    page.get_by_role("textbox", name="Feedback for the trainee").fill(
        "Good example. Add one for Empathy."
    )
    page.get_by_role("button", name="Return for changes").click()
    page.get_by_text(re.compile("returned", re.I)).first.wait_for()

    # Back as the trainee: the comment is there and the table can be changed again.
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in(page, live_server.url, "marie", DEMO_PASSWORD)
    page.get_by_role("link", name="Me as a role model", exact=True).click()
    page.get_by_role("heading", name="Comments from your trainer").wait_for()
    assert "Good example. Add one for Empathy." in page.content()
    assert (
        page.get_by_role("group", name="Empathy", exact=True).get_by_role("textbox").is_editable()
    )
