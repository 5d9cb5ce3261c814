"""The demo part: easy-read texts and lower-demand ways for demo session 2, and the built-in
profile for a cohort."""

from django.core.management import call_command

from profiles import demo
from training.models import Cohort


def test_the_demo_session_gets_easy_read_texts_and_a_rerun_changes_nothing(db):
    call_command("load_demo", verbosity=0)
    session = demo.load()
    activities = [b.value for b in session.activities if b.block_type == "activity"]
    by_title = {value["title"]: value for value in activities}
    for title in demo.SESSION_2:
        assert by_title[title].has_easy_read, title
        assert by_title[title].has_low_demand_alternative, title
    revisions = session.revisions.count()
    ids = [b.id for b in session.activities]
    again = demo.load()
    assert again.revisions.count() == revisions
    assert [b.id for b in again.activities] == ids


def test_a_cohort_gets_the_built_in_profile(db):
    call_command("load_demo", verbosity=0)
    cohort = Cohort.objects.first()
    profile = demo.apply_to_cohort(cohort)
    cohort.refresh_from_db()
    assert cohort.profile == profile
    assert profile.built_in
