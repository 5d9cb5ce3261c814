"""The demo's Dutch translation of session 2: made once however often the demo loads, shown
to the Antwerp cohort, and only words: the plan stays the original's."""

import pytest
from django.core.management import call_command

from curriculum.models import ProgrammePage, SessionPlanPage
from lms import demo_languages

pytestmark = pytest.mark.django_db


def test_the_demo_translates_session_2_once_and_antwerp_reads_it(client):
    call_command("load_demo", verbosity=0)
    dutch = demo_languages.load()
    again = demo_languages.load()

    assert again.pk == dutch.pk
    assert dutch.live and dutch.locale.language_code == "nl"
    original = SessionPlanPage.objects.get(
        translation_key=dutch.translation_key, locale__language_code="en"
    )
    assert SessionPlanPage.objects.filter(translation_key=original.translation_key).count() == 2
    assert ProgrammePage.objects.filter(slug=demo_languages.PROGRAMME_SLUG).count() == 2

    # Every activity has Dutch words; minutes, worksheets and the quiz are the original's.
    words = {item["id"]: item["value"] for item in dutch.activities.raw_data}
    for item in original.activities.raw_data:
        value, translated = item["value"], words[item["id"]]
        assert translated["title"] != value["title"]
        for kept in ("duration_min", "duration_max", "worksheet", "case_scenario", "quiz"):
            assert translated.get(kept) == value.get(kept)

    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="noemie"))
    html = client.get(original.url).content.decode()
    assert "Dieper ingaan op de rol van ervaringswerker" in html
    assert "Mijn rolmodel" in html
    assert "Delving deeper" not in html
