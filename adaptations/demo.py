"""Demo data: Kent's adaptation of the demo programme for autistic adults, and one later
improvement to the original, so the demo shows a change waiting to be taken.

Safe to run again: the adaptation is found by its original, organisation and target group,
and the original's improvement is published only if its live version lacks it.
"""

import io

from django.contrib.auth import get_user_model
from django.core.management.base import OutputWrapper

from curriculum.demo_content import PROGRAMME
from curriculum.models import ProgrammePage, SessionPlanPage
from lms.page_translations import in_library
from training.models import Organisation

from .changes import review_for
from .models import Adaptation
from .services import adaptation_create

TITLE = "Becoming a peer support agent: for autistic adults"
SLUG = "peer-support-agent-autistic-adults"
TARGET_GROUP = "Autistic adults"
ORGANISATION_SLUG = "kent"
# The improvement the original's authors publish after Kent made its copy: a tip for the
# first activity of session 2.
SESSION_NUMBER = 2
TIP = (
    "<p>Give everyone two or three quiet minutes to write before the round starts, so each "
    "person has something to say when their turn comes.</p>"
)


def load(stdout=None):
    out = stdout or OutputWrapper(io.StringIO())
    source = in_library(ProgrammePage.objects.filter(slug=PROGRAMME["slug"])).first()
    organisation = Organisation.objects.filter(slug=ORGANISATION_SLUG).first()
    if source is None or organisation is None:
        out.write("  adaptation skipped: load the demo programme and organisation first")
        return None
    adaptation = (
        Adaptation.objects.filter(
            source=source, organisation=organisation, target_group=TARGET_GROUP
        )
        .select_related("programme")
        .first()
    )
    made = adaptation is None
    if made:
        adaptation = adaptation_create(
            source=source,
            title=TITLE,
            slug=_free_slug(source),
            target_group=TARGET_GROUP,
            organisation=organisation,
            user=get_user_model().objects.filter(username="editor").first(),
            profile=_built_in_profile(),
            publish=True,
        )
    improved = _improve_the_original(source)
    waiting = review_for(adaptation).pending_count
    out.write(
        f"  adaptation '{adaptation.programme.title}' for {organisation.name} "
        f"({'made' if made else 'kept'}), {waiting} change(s) in the original to look at"
        + (" (one just published in session 2)" if improved else "")
    )
    return adaptation


def _free_slug(source):
    slug, number = SLUG, 2
    while not ProgrammePage._slug_is_available(slug, source.get_parent()):
        slug, number = f"{SLUG}-{number}", number + 1
    return slug


def _built_in_profile():
    try:
        from profiles.models import AdaptationProfile
    except ImportError:  # the profiles app is not installed
        return None
    return AdaptationProfile.objects.filter(built_in=True).order_by("pk").first()


def _improve_the_original(source):
    """Publish the tip in the original's session 2 unless its live version has it."""
    session = SessionPlanPage.objects.child_of(source).live().filter(number=SESSION_NUMBER).first()
    if session is None:
        return False
    # The live version (the page row), so that nobody's unpublished draft goes out with it.
    raw = [dict(item) for item in session.activities.raw_data]
    first = next((item for item in raw if item.get("type") == "activity"), None)
    if first is None:
        return False
    value = dict(first["value"])
    if TIP in (value.get("alternatives") or ""):
        return False
    value["alternatives"] = (value.get("alternatives") or "") + TIP
    first["value"] = value
    session.activities = raw
    session.save_revision().publish()
    return True
