"""The demo's autistic-adults adaptation, made once, with one change of the original
waiting to be taken."""

import io

from django.core.management import call_command
from django.core.management.base import OutputWrapper

from adaptations import demo
from adaptations.changes import review_for
from adaptations.models import Adaptation
from adaptations.services import TAKE, changes_decide
from curriculum.models import SessionPlanPage
from tests.adaptations.conftest import latest


def load():
    out = io.StringIO()
    adaptation = demo.load(stdout=OutputWrapper(out))
    return adaptation, out.getvalue()


def test_the_demo_adaptation_is_made_once_and_shows_the_originals_improvement(db):
    call_command("load_demo", verbosity=0)

    adaptation, said = load()

    assert adaptation.programme.title == "Becoming a peer support agent: for autistic adults"
    assert adaptation.target_group == "Autistic adults"
    assert adaptation.organisation.slug == "kent"
    assert adaptation.programme.live
    assert (
        adaptation.sessions.count() == SessionPlanPage.objects.child_of(adaptation.source).count()
    )
    assert "1 change(s) in the original" in said
    [change] = review_for(adaptation).changes
    assert change.unit.heading.startswith("Session 2")
    assert change.label == "Activity 1: My role model · Alternatives and tips"
    assert "quiet minutes to write" in change.after_text

    again, said = load()
    assert again.pk == adaptation.pk
    assert Adaptation.objects.count() == 1
    assert "1 change(s)" in said


def test_running_the_whole_demo_again_keeps_the_adaptation_and_its_one_change(db):
    call_command("load_demo", verbosity=0)
    adaptation, _said = load()
    [change] = review_for(adaptation).changes
    changes_decide(adaptation=adaptation, decisions=[(change.ref, TAKE)])
    row = adaptation.sessions.get(copy_session__number=2)

    # The demo command writes every session plan again (new block ids); the activities are
    # still recognised, and the tip the adapter took is not offered again.
    call_command("load_demo", verbosity=0)
    again, _said = load()

    assert again.pk == adaptation.pk
    assert review_for(again).pending_count == 0
    assert (
        "quiet minutes to write"
        in latest(row.copy_session).activities.raw_data[0]["value"]["alternatives"]
    )
