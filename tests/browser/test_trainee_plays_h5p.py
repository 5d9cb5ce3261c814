"""The whole H5P path in chromium: the editor uploads the demo package in the Wagtail admin,
the demo trainee plays it through h5p-standalone in its sandboxed frame, the page relays the
answers, the server records the score, and the trainer sees it with the trainee's own words."""

import re
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.demo_h5p import place_in_session
from assessments.h5p_build import write_demo_package
from assessments.models import H5PActivity, H5PResult, XAPIStatement
from assessments.xapi import QUICK_SECONDS
from curriculum.models import SessionPlanPage
from tests import demo_pages
from training.models import Enrolment

from .test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORDS = "Someone who listens first and keeps what people say private."
# load_demo may already add the demo activity; the editor's upload gets its own title.
TITLE = "Peer check, uploaded by the editor"


def test_trainee_plays_the_demo_activity_and_the_score_is_recorded(
    live_server, page, settings, tmp_path
):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    package = write_demo_package(tmp_path / "peer-check.h5p")

    # The editor uploads the package in the Wagtail admin.
    log_in(page, live_server.url, "editor", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/snippets/assessments/h5pactivity/add/")
    page.locator("#id_title").fill(TITLE)
    page.locator("input[type=file][name=package]").set_input_files(str(package))
    page.locator("#id_pass_percent").fill("75")
    page.locator("button[type=submit]", has_text=re.compile("Save|Create")).first.click()
    page.wait_for_url(re.compile(r"/admin/snippets/assessments/h5pactivity/(\?.*)?$"))
    activity = H5PActivity.objects.get(title=TITLE)
    assert activity.main_library == "H5P.PeerCheck 1.0"

    # It goes into an activity of the demo session (session 2).
    programme = demo_pages.programme()
    plan = SessionPlanPage.objects.child_of(programme).get(number=2)
    assert place_in_session(activity, plan.specific)

    # Marie plays it on her phone.
    page.context.clear_cookies()
    log_in(page, live_server.url, "marie", DEMO_PASSWORD)
    page.get_by_role("link", name=TITLE).click()
    opened = time.monotonic()
    page.get_by_role("heading", name=TITLE).wait_for()
    assert "Not done yet" in page.locator("#h5p-result").inner_text()
    frame = page.frame_locator("#h5p-frame")
    frame.get_by_text("Their own lived experience, shared with care").click()
    frame.get_by_text("Listen and ask what would help them").click()
    frame.get_by_text("Lend it, friends help each other").click()
    frame.get_by_text("Only if someone is in danger, and you tell them first").click()
    frame.get_by_label("In one or two sentences").fill(WORDS)
    # A person takes a few seconds; a result sooner than that is held back as not played.
    time.sleep(max(0, QUICK_SECONDS + 1 - (time.monotonic() - opened)))
    # The connection drops as she checks: the answers wait in this browser, kept for her.
    page.context.set_offline(True)
    frame.get_by_role("button", name="Check my answers").click()
    frame.get_by_text("You got 3 out of 4 right.").wait_for()
    page.locator("#h5p-status", has_text="Not sent yet").wait_for()
    assert page.evaluate("window.h5pPlayerQueue.load().length") == 6
    marie = Enrolment.objects.get(trainee__username="marie", cohort__name="Kent, spring 2027")
    keys = page.evaluate("Object.keys(window.localStorage)")
    assert [k for k in keys if "h5p-xapi-queue" in k] == [
        f"lms:{marie.trainee_id}:h5p-xapi-queue:{marie.trainee_id}:{marie.pk}:{activity.pk}"
    ]
    page.context.set_offline(False)
    page.locator("#h5p-status", has_text="Your answers are saved.").wait_for(timeout=30_000)
    # "Your result so far" follows without a reload.
    page.locator("#h5p-result", has_text="best score 75%").wait_for()

    enrolment = Enrolment.objects.get(trainee__username="marie", cohort__name="Kent, spring 2027")
    result = H5PResult.objects.get(activity=activity, enrolment=enrolment)
    assert (result.attempts, result.best_scaled, result.completed, result.passed) == (
        1,
        0.75,
        True,
        True,
    )
    assert XAPIStatement.objects.get(enrolment=enrolment, sub_content_id="own-words").response == (
        WORDS
    )
    assert XAPIStatement.objects.filter(enrolment=enrolment).count() == 6
    assert not XAPIStatement.objects.filter(enrolment=enrolment).exclude(flag="").exists()
    assert page.evaluate("window.h5pPlayerQueue.load().length") == 0

    # The trainer sees the score and her words.
    page.context.clear_cookies()
    log_in(page, live_server.url, "trainer", DEMO_PASSWORD)
    page.goto(live_server.url + reverse("training:cohort", args=[enrolment.cohort_id]))
    page.get_by_role("link", name=TITLE).click()
    table = page.locator("#h5p-results")
    row = table.get_by_role("row").filter(has_text=re.compile("Marie", re.I))
    assert "75%" in row.inner_text() and "Passed" in row.inner_text()
    assert WORDS in page.locator("main").inner_text()
