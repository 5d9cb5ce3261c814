"""Marie's cohort runs with the "Autistic adults" profile. On her phone she opens the plan for
today's session from her home page, reads the easy-read text, sees the content note before
the story and steps out of it, then makes the text larger, which stays after a reload."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_trainee_of_an_adapted_cohort_uses_the_visual_schedule(live_server, page):
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from profiles import demo
    from profiles.models import StoryChoice
    from training.models import Cohort

    call_command("load_demo", verbosity=0)
    demo.load()
    cohort = Cohort.objects.get(name="Kent, spring 2027")
    demo.apply_to_cohort(cohort)
    base = live_server.url

    log_in(page, base, "marie", DEMO_PASSWORD)
    page.get_by_role("heading", name=re.compile("Hello")).wait_for()
    # The profile's look until she chooses: wide spacing, less movement.
    classes = page.locator("html").get_attribute("class").split()
    assert "spacing-wide" in classes and "reduce-motion" in classes

    # Today's session is shared: "Your plan for <today>".
    page.get_by_role("link", name=re.compile(r"^Your plan for ")).first.click()
    page.get_by_role("heading", name=re.compile(r"^Your plan for ")).wait_for()
    steps = page.locator("ol.steps > li")
    assert steps.count() >= 7  # introduction, four activities, breaks, closing, the end
    first = steps.nth(0).inner_text()
    assert re.search(r"\d{2}:\d{2}–\d{2}:\d{2}", first)
    assert "Introduction" in first
    assert page.locator("li.step-break").count() >= 1
    assert page.get_by_text("Who").first.is_visible()

    # Easy read first; the standard text one tap away.
    easy = page.get_by_text("Think of one person who helped you or gave you hope.")
    assert easy.is_visible()
    standard = page.get_by_text("Say briefly what role modelling and mentoring mean.")
    assert not standard.is_visible()
    page.get_by_text("Show the standard text").first.click()
    assert standard.is_visible()

    # The content note before the story of Tomas, and stepping out.
    note = page.locator(".step-note").first
    assert "Before this story" in note.inner_text()
    assert "prison" in note.inner_text()
    assert "Valladolid" not in page.content()
    note.get_by_role("button", name="Step out of this one").click()
    page.get_by_text("You chose to step out of this one").first.wait_for()
    assert "Valladolid" not in page.content()
    choice = StoryChoice.objects.get(enrolment__trainee__username="marie")
    assert choice.stepped_out
    page.get_by_role("link", name="Go back").click()
    page.get_by_role("heading", name=re.compile(r"^Your plan for ")).wait_for()
    assert "I want to read it after all" in page.content()

    # Larger text, kept after a reload.
    size_before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("link", name="How the pages look").click()
    page.get_by_role("heading", name="How the pages look").wait_for()
    page.get_by_label("Larger").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved. Every page now looks like this.").wait_for()
    page.reload()
    assert "text-larger" in page.locator("html").get_attribute("class").split()
    page.get_by_role("link", name="Go back").click()
    page.get_by_role("heading", name=re.compile(r"^Your plan for ")).wait_for()
    size_after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size_after > size_before * 1.3
