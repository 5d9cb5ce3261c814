"""Adapting a programme from start to end, in chromium.

Helen, the Kent editor, adapts the demo programme for autistic adults in the admin. The
original's authors then publish an improvement; Helen sees it, marked word by word, and
takes it. Robin is in the cohort that runs her adaptation with the "Autistic adults"
profile. On his phone he reads tomorrow's visual schedule (times, breaks, easy-read text, the
content note before the story, and a way to step out of it) and answers his worksheet by
speaking into the microphone. Once the manager sets the cohort's language to Dutch, Robin
sees the site and the session in Dutch. axe finds nothing serious on his pages, and the
adaptation survives a package round trip unchanged.
"""

import re

import pytest
from django.core.management import call_command

from tests.browser.conftest import FAKE_MICROPHONE, chromium
from tests.browser.test_accessibility import Audit
from tests.browser.test_trainer_runs_a_session import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Becoming a peer support agent: autistic adults, evening group"
NEW_PROCEDURE = (
    "<p>Give everyone a card with three questions about their role model. They write or draw "
    "their answers before the round.</p>"
)


@pytest.fixture
def browser(request):
    yield from chromium(FAKE_MICROPHONE, request=request)


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the injected axe script run, as an extension's would.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-GB", bypass_csp=True
    )
    context.grant_permissions(["microphone"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def axe_script():
    from tests.browser.test_accessibility import AXE

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test` (or `make axe`), which installs axe-core.")
    return AXE


def test_an_adaptation_from_the_editor_to_a_trainee(live_server, page, axe_script):
    from adaptations.models import Adaptation
    from curriculum.demo_content import PROGRAMME
    from curriculum.management.commands.load_demo import DEMO_PASSWORD
    from curriculum.models import ProgrammePage, SessionPlanPage
    from lms.page_translations import in_library
    from packages.exporting import programme_export
    from packages.importing import package_import
    from profiles import demo_cohort
    from profiles.models import StoryChoice
    from tests.packages.normalise import normalised
    from training.models import Cohort
    from worksheets.models import AnswerFile, WorksheetResponse

    call_command("load_demo", verbosity=0)
    original = in_library(ProgrammePage.objects.filter(slug=PROGRAMME["slug"])).get()
    base = live_server.url
    audit = Audit(page, axe_script)

    # --- Helen adapts the programme in the admin ---------------------------------------------
    page.set_viewport_size({"width": 1280, "height": 900})
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
    page.get_by_label("Title of the adaptation").fill(TITLE)
    page.get_by_label("Who it is adapted for").fill("Autistic adults")
    page.get_by_label("Organisation").select_option(label="Kent Peer Support Network")
    page.get_by_label("Adaptation profile").select_option(label="Autistic adults")
    page.get_by_label("Publish the copy now").check()
    page.get_by_role("button", name="Make the adaptation").click()

    page.get_by_text("Your adaptation is up to date with the original.").wait_for()
    assert page.get_by_text(re.compile("is made, with 3 session plans")).is_visible()
    adaptation = Adaptation.objects.select_related("programme", "organisation").get(
        programme__title=TITLE
    )
    assert adaptation.source_id == original.pk
    assert adaptation.target_group == "Autistic adults"
    row = adaptation.sessions.select_related("source_session", "copy_session").get(
        copy_session__number=2
    )

    # Meanwhile, the original's authors improve its session 2 and publish it.
    source = SessionPlanPage.objects.get(pk=row.source_session.pk)
    raw = [dict(item) for item in source.activities.raw_data]
    raw[0] = {**raw[0], "value": {**raw[0]["value"], "procedure": NEW_PROCEDURE}}
    source.activities = raw
    source.save_revision().publish()

    # Helen opens her adaptation again, sees the change, marked word by word, and takes it.
    page.goto(f"{base}/admin/adaptations/")
    mine = page.get_by_role("row").filter(has_text=TITLE)
    mine.get_by_role("link", name="1 change to look at").click()
    page.get_by_text("1 change in the original since you last looked.").wait_for()
    change = page.get_by_role("article", name=re.compile("My role model · What to do"))
    assert "write or draw" in change.inner_text()
    assert change.locator(".addition").count() > 0
    change.get_by_role("button", name="Take this change").click()
    page.get_by_text(re.compile("1 change is in a draft of your version")).wait_for()
    assert page.get_by_text("Your adaptation is up to date with the original.").is_visible()
    copy = SessionPlanPage.objects.get(pk=row.copy_session.pk)
    draft = copy.get_latest_revision_as_object()
    assert draft.activities.raw_data[0]["value"]["procedure"] == NEW_PROCEDURE
    # Taken into a draft: trainees see it once Helen publishes her version.
    assert copy.activities.raw_data[0]["value"]["procedure"] != NEW_PROCEDURE
    copy.get_latest_revision().publish()

    # The demo's autistic-adults cohort now runs Helen's adaptation (a manager's set-up:
    # programme, profile, trainees and dates), with easy read for session 2.
    cohort = demo_cohort.load(adaptation)
    assert cohort.programme_id == adaptation.programme_id
    assert cohort.profile.name == "Autistic adults"

    # --- Robin, on his phone ------------------------------------------------------------
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "robin", DEMO_PASSWORD)
    page.get_by_role("heading", name="Hello, Robin").wait_for()
    audit.check("home of a trainee in an adapted cohort")

    # Tomorrow's plan is shared already: every step on the clock, with breaks.
    page.get_by_role("link", name=re.compile(r"^Your plan for ")).first.click()
    page.get_by_role("heading", name=re.compile(r"^Your plan for ")).wait_for()
    assert page.locator("article.visual-schedule").count() == 1
    steps = page.locator("ol.steps > li")
    assert steps.count() >= 7
    assert re.search(r"\d{2}:\d{2}–\d{2}:\d{2}", steps.nth(0).inner_text())
    assert page.locator("li.step-break").count() >= 1
    # Easy read first, the standard text one tap away.
    easy = page.get_by_text("Think of one person who helped you or gave you hope.")
    assert easy.is_visible()
    # The standard text is the one Helen took from the original.
    standard = page.get_by_text("Give everyone a card with three questions")
    assert not standard.is_visible()
    audit.check("visual schedule")
    page.get_by_text("Show the standard text").first.click()
    assert standard.is_visible()

    # The content note before the story, and stepping out of it.
    note = page.locator(".step-note").first
    assert "Before this story" in note.inner_text()
    assert "prison" in note.inner_text()
    assert "Valladolid" not in page.content()
    note.get_by_role("button", name="Step out of this one").click()
    page.get_by_text("You chose to step out of this one").first.wait_for()
    choice = StoryChoice.objects.get(enrolment__trainee__username="robin")
    assert choice.stepped_out and choice.enrolment.cohort_id == cohort.pk

    # His worksheet, in easy read, answered by speaking.
    page.goto(f"{base}/")
    page.get_by_role("link", name="My role model").first.click()
    page.get_by_role("heading", name="My role model", level=1).wait_for()
    assert page.get_by_text("Think of a person you looked up to.").first.is_visible()
    audit.check("worksheet in easy read")
    page.get_by_role("button", name="Record").first.click()
    page.get_by_text(re.compile(r"Recording… 0:0\d")).wait_for()
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Stop").first.click()
    page.get_by_text("Your recording is saved.").wait_for()
    response = WorksheetResponse.objects.select_related("worksheet").get(
        enrolment__trainee__username="robin"
    )
    # The worksheet is the adaptation's own copy, not the original.
    copied = adaptation.snippets.filter(content_type__model="worksheet")
    assert response.worksheet_id in set(copied.values_list("copy_id", flat=True))
    audio = AnswerFile.objects.get(response=response, kind="audio")
    assert audio.content_type == "audio/webm" and audio.size > 1000
    assert response.answers[f"{audio.key}:audio"] == str(audio.pk)

    # --- The manager sets the cohort's language to Dutch --------------------------------
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, base, "manager", DEMO_PASSWORD)
    page.goto(f"{base}/admin/cohorts/edit/{cohort.pk}/")
    page.get_by_role("combobox", name="Language").select_option(label="Nederlands")
    page.get_by_role("button", name="Save").first.click()
    page.get_by_text(re.compile("updated", re.I)).first.wait_for()
    assert Cohort.objects.get(pk=cohort.pk).language == "nl"

    # Robin's browser speaks English; his pages follow the cohort.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "robin", DEMO_PASSWORD)
    page.get_by_role("heading", name="Hallo, Robin").wait_for()
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Wat moet ik nu doen").is_visible()
    assert page.get_by_text("What is next for me").count() == 0
    audit.check("home in Dutch")
    page.get_by_role("link", name=re.compile(r"^Je plan voor ")).first.click()
    page.get_by_role("heading", name=re.compile(r"^Je plan voor ")).wait_for()
    assert page.get_by_text(re.compile("Dieper ingaan op de rol van ervaringswerker")).count()
    assert page.get_by_text("De gewone tekst tonen").first.is_visible()
    audit.check("visual schedule in Dutch")

    audit.assert_clean()

    # --- The adaptation travels as a package and comes back exactly ---------------------
    programme = ProgrammePage.objects.get(pk=adaptation.programme_id)
    before = normalised(programme)
    result = package_import(source=programme_export(programme=programme).data, publish=True)
    assert result.programme.pk != programme.pk
    assert normalised(result.programme) == before
    assert NEW_PROCEDURE in str(before)
