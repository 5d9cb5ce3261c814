"""On a phone, Marie agrees to take part and answers a questionnaire; the evaluation lead
then opens the report and sees the paired change for the Kent cohort."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_trainee_consents_and_answers_then_the_evaluator_sees_paired_change(
    live_server, page, browser
):
    from assessments import demo_evaluation, signals_evaluation
    from assessments.models import EvaluationConsent, EvaluationResponse
    from curriculum.demo_content import DEMO_PASSWORD

    signals_evaluation.connect()
    call_command("load_demo", verbosity=0)
    demo_evaluation.load()

    log_in(page, live_server.url, "marie", DEMO_PASSWORD)
    card = page.get_by_role("region", name=re.compile("short questionnaires? (is|are) waiting"))
    card.wait_for()
    card.get_by_role("link", name="Read about it first").click()

    page.get_by_role("heading", name="Before the questionnaire").wait_for()
    assert "Who reads your answers:" in page.inner_text("main")
    page.get_by_role("button", name="Yes, I agree to take part").click()

    # The questionnaire: one page, a row of big answers per question.
    form = page.locator("form.evaluation-form")
    form.wait_for()
    groups = form.get_by_role("group")
    count = groups.count()
    assert count in (4, 12)
    # The first answer by keyboard: Tab into the row, arrow keys move the choice.
    first = groups.nth(0).get_by_role("radio").first
    first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert groups.nth(0).get_by_role("radio").nth(2).is_checked()
    for index in range(1, count):
        groups.nth(index).get_by_role("radio", name="3", exact=True).click()
    # Every tap target is at least 44px tall on the phone.
    box = groups.nth(1).locator("label").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    assert "are saved" in page.inner_text("main")
    assert EvaluationConsent.objects.filter(user__username="marie").count() == 1
    assert (
        EvaluationResponse.objects.filter(invitation__enrolment__trainee__username="marie").count()
        == 1
    )

    # The evaluation lead, on their own phone.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    lead = context.new_page()
    lead.set_default_timeout(15_000)
    log_in(lead, live_server.url, "evaluator", DEMO_PASSWORD)
    lead.get_by_role("heading", name="Evaluation", exact=True).wait_for()
    lead.get_by_role("link", name=re.compile("My recovery")).first.click()
    # Answers one by one: the lead types their password again first (lms/reauth.py).
    lead.get_by_role("heading", name="Confirm it is you").wait_for()
    lead.get_by_label("Your password").fill(DEMO_PASSWORD)
    lead.get_by_role("button", name="Continue").click()
    lead.get_by_role("heading", name=re.compile("Before and after: My recovery")).wait_for()
    kent = lead.get_by_role("table", name="Kent, spring 2027")
    rows = kent.get_by_role("row")
    hope = rows.filter(has_text="Hope").inner_text()
    # 8 pairs; Marie answered only "before", so she is not paired.
    assert re.search(r"Hope\s+8\s+[\d.]+\s+[\d.]+\s+\+[\d.]+", hope), hope
    assert lead.locator("svg.evaluation-chart").is_visible()
    assert "Too few to show" not in kent.inner_text()
    assert "Marie" not in lead.inner_text("main")
    context.close()
