"""On a phone, a demo trainee says how sure they feel before and after the demo session,
sees their change, and the self-assessment counts towards completion."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def choose(page, statement, answer):
    """Tick an answer inside the question whose legend contains ``statement``."""
    group = page.get_by_role("group", name=re.compile(statement, re.IGNORECASE))
    group.get_by_label(answer).check()


def test_a_trainee_rates_before_and_after_and_sees_the_change(live_server, page):
    from assessments import demo_self_assessment
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    call_command("load_demo", verbosity=0)
    demo_self_assessment.load()

    # Claudia has not answered yet; the rule asks for self-assessments.
    log_in(page, live_server.url, "claudia", DEMO_PASSWORD)
    page.get_by_role("heading", name="How sure do you feel?").wait_for()
    page.goto(f"{live_server.url}/progress/")
    page.get_by_text("Fill in the self-assessment before session 2").wait_for()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Before session 2").click()

    page.get_by_role("heading", name=re.compile("Before session 2")).wait_for()
    # Big answers, one column on a phone, none wider than the screen.
    box = page.get_by_text("Not yet").first.locator("xpath=..").bounding_box()
    assert box["height"] >= 44 and box["width"] <= 390

    # Sending with one question unanswered is stopped, and nothing typed is lost.
    choose(page, "explain in your own words", "Not yet")
    choose(page, "name the main responsibilities", "A little")
    page.get_by_role("button", name="Save my answers").click()
    assert page.get_by_role("heading", name=re.compile("Before session 2")).is_visible()
    choose(page, "recognise what secrecy", "Partly")
    page.get_by_role("button", name="Save my answers").click()

    # The demo session is under way, so "after" comes next.
    page.get_by_role("link", name="Answer after the session").click()
    page.get_by_role("heading", name=re.compile("After session 2")).wait_for()
    choose(page, "explain in your own words", "Mostly")
    choose(page, "name the main responsibilities", "Mostly")
    choose(page, "recognise what secrecy", "Partly")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Save and see my change").click()

    page.get_by_role("heading", name="Your change in session 2").wait_for()
    text = page.locator("main").inner_text()
    assert "Not yet (1 of 5)" in text and "Mostly (4 of 5)" in text
    assert "Up 3 steps" in text and "Up 2 steps" in text and "The same as before" in text

    # It no longer shows as something left to do.
    page.goto(f"{live_server.url}/")
    page.get_by_role("heading", name=re.compile("Hello")).wait_for()
    assert "How sure do you feel?" not in page.content()
    page.goto(f"{live_server.url}/progress/")
    assert "Fill in the self-assessment" not in page.content()

    # Marie still has "after" to do, linked from her progress.
    page.context.clear_cookies()
    log_in(page, live_server.url, "marie", DEMO_PASSWORD)
    page.get_by_role("link", name="After session 2").wait_for()
    page.goto(f"{live_server.url}/progress/")
    assert "Fill in the self-assessment after session 2" in page.content()

    # The trainer sees the group's counts, with Claudia's answers in them.
    page.context.clear_cookies()
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    from assessments.models import SelfAssessment
    from tests import demo_pages

    # The original session's (the demo adaptation has its own copy).
    sa = SelfAssessment.objects.get(session_plan=demo_pages.session(2))
    cohort_id = sa.ratings.filter(enrolment__cohort__name="Kent, spring 2027").values_list(
        "enrolment__cohort_id", flat=True
    )[0]
    page.goto(f"{live_server.url}/self-assessment/group/{cohort_id}/{sa.session_plan_id}/")
    page.get_by_role("heading", name="Self-assessment, session 2").wait_for()
    assert "8 answered before, 7 after" in page.locator("main").inner_text()
