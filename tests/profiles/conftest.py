"""An adapted cohort: the ``cohort`` of the cast with the built-in "Autistic adults" profile,
and a session plan whose activities have easy-read text, a story with content notes and a
lower-demand alternative."""

import pytest

from profiles.models import AdaptationProfile
from tests.factories import CaseScenarioFactory, activity, make_scheduled_session, make_session

EASY_ROLE_MODEL = "<p>Think of one person who gave you hope.</p>"


@pytest.fixture
def autistic(db):
    return AdaptationProfile.objects.get(built_in=True, name="Autistic adults")


@pytest.fixture
def story(db):
    return CaseScenarioFactory(
        title="The story of Tomas",
        narrative="<p>Tomas sleeps near the bus station in Valladolid.</p>",
        notes=["Prison", "Addiction"],
    )


@pytest.fixture
def plan(programme, story):
    """Introduction 15, role model 30, Tomas 30-40, closure 10: 85-95 minutes as written."""
    return make_session(
        programme,
        number=2,
        title="Delving deeper",
        activities=[
            activity(
                "My role model",
                30,
                groupings=["individual", "plenary"],
                easy_read=EASY_ROLE_MODEL,
                low_demand_ways=["writing"],
                low_demand_alternative="<p>Hand in a written answer instead.</p>",
            ),
            activity("The story of Tomas", 30, 40, scenario=story, groupings=["plenary"]),
        ],
    )


@pytest.fixture
def adapted(cohort, autistic):
    cohort.profile = autistic
    cohort.save()
    return cohort


@pytest.fixture
def meeting(adapted, plan):
    """Session 2 of the adapted cohort, three days from now at 10:00."""
    return make_scheduled_session(adapted, plan, days_from_now=3, place="Room 4, Library")
