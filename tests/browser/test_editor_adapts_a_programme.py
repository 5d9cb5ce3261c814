"""In the admin, the Kent editor adapts the demo programme for autistic adults; the original's
authors then publish an improvement, and the editor sees it and takes it."""

import re

import pytest
from django.core.management import call_command

from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PROCEDURE = (
    "<p>Give everyone a card with three questions about their role model. They write or draw "
    "their answers before the round.</p>"
)


def test_an_editor_adapts_the_programme_and_takes_a_change_of_the_original(live_server, page):
    from adaptations.models import Adaptation
    from curriculum.demo_content import PROGRAMME
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from curriculum.models import ProgrammePage, SessionPlanPage

    call_command("load_demo", verbosity=0)
    original = ProgrammePage.objects.get(slug=PROGRAMME["slug"])
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # Helen, the Kent editor, opens the programme in the admin and adapts it.
    log_in(page, base, "editor", DEMO_PASSWORD)
    page.goto(f"{base}/admin/pages/{original.pk}/edit/")
    adapt = page.get_by_role("link", name="Adapt this programme")
    if not adapt.is_visible():
        # Wagtail puts the page's header buttons in its "Actions" menu.
        page.get_by_role("navigation", name="Actions", exact=True).get_by_role(
            "button", name="Actions"
        ).click()
    adapt.click()
    page.get_by_role("heading", name="Adapt a programme").wait_for()
    assert page.get_by_label("Programme to adapt").input_value() == str(original.pk)
    page.get_by_label("Title of the adaptation").fill(
        "Becoming a peer support agent: for autistic adults"
    )
    page.get_by_label("Who it is adapted for").fill("Autistic adults")
    page.get_by_label("Organisation").select_option(label="Kent Peer Support Network")
    page.get_by_role("button", name="Make the adaptation").click()

    page.get_by_text("Your adaptation is up to date with the original.").wait_for()
    assert page.get_by_text(re.compile("is made, with 3 session plans")).is_visible()
    adaptation = Adaptation.objects.get()
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=2
    )

    # Meanwhile, the original's authors improve its session 2 and publish it.
    source = SessionPlanPage.objects.get(pk=row.source_session.pk)
    raw = [dict(item) for item in source.activities.raw_data]
    raw[0] = {**raw[0], "value": {**raw[0]["value"], "procedure": NEW_PROCEDURE}}
    source.activities = raw
    source.save_revision().publish()

    # Helen opens her adaptation again and sees the change, marked word by word.
    page.goto(f"{base}/admin/adaptations/")
    page.get_by_role("link", name="1 change to look at").click()
    page.get_by_text("1 change in the original since you last looked.").wait_for()
    change = page.get_by_role("article", name=re.compile("My role model · What to do"))
    assert "write or draw" in change.inner_text()
    assert change.locator(".addition").count() > 0
    change.get_by_role("button", name="Take this change").click()

    page.get_by_text(re.compile("1 change is in a draft of your version")).wait_for()
    assert page.get_by_text("Your adaptation is up to date with the original.").is_visible()
    row.copy_session.refresh_from_db()
    mine = row.copy_session.get_latest_revision_as_object()
    assert mine.activities.raw_data[0]["value"]["procedure"] == NEW_PROCEDURE
    # Taken into a draft: what trainees see changes only when Helen publishes.
    assert row.copy_session.activities.raw_data[0]["value"]["procedure"] != NEW_PROCEDURE
