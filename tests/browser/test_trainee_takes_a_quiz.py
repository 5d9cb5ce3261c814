"""On a phone, Marie opens the demo quiz from the session page, answers, hands in and reads
her score and feedback; the trainer marks her written answer and her result becomes passed."""

import re

import pytest
from django.core.management import call_command

from tests import demo_pages
from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_trainee_takes_the_quiz_and_the_trainer_marks_it(live_server, page):
    from assessments import demo_quizzes
    from assessments.models import QuizAnswer, QuizResult
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from training.models import Cohort

    call_command("load_demo", verbosity=0)
    quiz = demo_quizzes.load()
    session = demo_pages.session(2)
    cohort = Cohort.objects.get(name="Kent, spring 2027")
    base = live_server.url

    # Marie, on a phone-sized screen, opens today's session and the quiz it links to.
    log_in(page, base, "marie", DEMO_PASSWORD)
    page.get_by_role("heading", name=re.compile("Hello")).wait_for()
    page.goto(base + session.get_url())
    online = page.locator("#online-activities")
    online.get_by_role("link", name=quiz.title).click()
    page.get_by_role("heading", name=quiz.title).wait_for()
    assert page.get_by_text("You have 3 attempts left.").is_visible()
    page.get_by_role("button", name="Start the quiz").click()

    # Every question on one page; the taps are big enough for a thumb.
    right = page.get_by_label("Nobody, unless they agree or someone is in danger")
    box = right.locator("xpath=..").bounding_box()
    assert box["height"] >= 44
    right.check()
    page.get_by_label("When they tell you that you may").check()
    page.get_by_label("When someone's life or safety is at risk").check()
    page.get_by_label("False", exact=True).check()
    page.get_by_label("Someone says they plan to hurt themselves").select_option(
        label="Tell your supervisor at once"
    )
    # One pair swapped on purpose: partly right.
    page.get_by_label("A neighbour asks why you visit someone").select_option(
        label="Talk it over in supervision, without names"
    )
    page.get_by_label("A conversation stays on your mind afterwards").select_option(
        label="Say that it is private"
    )
    page.get_by_role("textbox", name=re.compile("why does confidentiality matter")).fill(
        "They tell us things they tell nobody else. If it gets out, they lose trust."
    )
    # Autosave: the answers reach the server before anything is handed in.
    page.locator("#save-status", has_text="Your answers are saved (").wait_for()
    saved = QuizAnswer.objects.filter(
        attempt__enrolment__trainee__username="marie", response__isnull=False
    )
    for _ in range(50):
        if saved.count() == 5:
            break
        page.wait_for_timeout(200)
    assert saved.count() == 5

    page.get_by_role("button", name="Hand in my answers").click()
    score = page.locator("#score")
    score.wait_for()
    # 1 + 1 + 1 + 1 (one pair of three) = 4 of the 6 points marked so far.
    assert "You got 4 of 8 so far" in score.inner_text()
    assert page.get_by_text("What they tell you stays with you").is_visible()
    assert page.get_by_text("Partly right").is_visible()
    assert page.get_by_text("Waiting for your trainer to mark it").is_visible()

    # The trainer marks her written answer from the cohort page.
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in(page, base, "trainer", DEMO_PASSWORD)
    page.goto(f"{base}/cohorts/{cohort.pk}/")
    page.locator("#cohort-quizzes").get_by_role("link", name=quiz.title).click()
    row = page.locator("#quiz-table tr", has_text="Marie")
    row.get_by_role("link", name=re.compile("answer to mark")).click()
    assert "If it gets out, they lose trust." in page.locator("#answer-text").inner_text()
    page.get_by_label(re.compile("Points")).fill("2")
    page.get_by_label(re.compile("Feedback for the trainee")).fill("Trust, exactly.")
    page.get_by_role("button", name="Save the mark").click()
    page.get_by_text("Marked the answer of Marie Peeters.").wait_for()

    result = QuizResult.objects.get(quiz=quiz, enrolment__trainee__username="marie")
    assert result.passed is True and result.percent == 75

    # Marie sees that she passed, and the trainer's words.
    page.get_by_role("button", name=re.compile("Log out")).click()
    log_in(page, base, "marie", DEMO_PASSWORD)
    page.goto(base + session.get_url())
    page.locator("#online-activities").get_by_role("link", name=quiz.title).click()
    page.get_by_text("You passed this quiz with 75%.").wait_for()
    page.get_by_role("link", name="Attempt 1").click()
    assert "You got 6 of 8. You passed." in page.locator("#score").inner_text()
    assert page.get_by_text("Trust, exactly.").is_visible()
