"""In chromium: an editor exports the demo programme as a package from the admin, uploads it
again on "Import a package", reads the preview and imports it."""

import re

import pytest
from django.core.management import call_command

from curriculum.models import ProgrammePage
from tests import demo_pages
from tests.browser.conftest import browser  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(tab, base_url, username, password):
    tab.goto(f"{base_url}/")
    tab.get_by_label("User name").fill(username)
    tab.get_by_label("Password").fill(password)
    tab.get_by_role("button", name="Log in").click()


def test_an_editor_exchanges_a_programme_as_a_package(live_server, browser, tmp_path):  # noqa: F811
    from curriculum.management.commands.load_demo import DEMO_PASSWORD

    call_command("load_demo", verbosity=0)
    programme = demo_pages.programme()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    log_in(tab, live_server.url, "editor", DEMO_PASSWORD)
    tab.wait_for_url(re.compile(r".*/$"))

    tab.goto(f"{live_server.url}/admin/pages/{programme.pk}/edit/")
    tab.get_by_role("button", name=re.compile("Actions|More", re.I)).first.click()
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Export as package").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "peer-support-agent.curriculum.zip"

    tab.goto(f"{live_server.url}/admin/")
    tab.get_by_role("link", name="Import a package").first.click()
    tab.get_by_label("Curriculum package").set_input_files(str(path))
    tab.get_by_role("button", name="Upload and check").click()
    tab.get_by_role("heading", name="Will be added to the library").wait_for()
    assert tab.get_by_text("peer-support-agent-1").first.is_visible()
    tab.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    tab.get_by_label("Publish what was published in the package").check()
    tab.get_by_role("button", name="Import the programme").click()
    tab.get_by_text(re.compile("is imported with 3 session plans")).wait_for()
    copy = ProgrammePage.objects.get(slug="peer-support-agent-1")
    assert copy.live
    context.close()
