"""The demo H5P activity for ``manage.py load_demo``: built from the project's own content
type (``H5P.PeerCheck``), uploaded through the same checks as an editor's upload, placed in an
activity of the demo session (session 2) and published.

Safe to run again: the activity is found by its title, the package is only replaced when the
built bytes differ, and the session plan is only republished when no activity plays it yet.
H5P files an earlier version of the demo unpacked under the public media folder are moved to
the private one first (``h5p_package.move_public_files``).
"""

import hashlib

from wagtail.blocks import StreamValue

from curriculum.models import ProgrammePage, SessionPlanPage
from lms.page_translations import in_library

from .h5p_build import DEMO_TITLE, build_package
from .h5p_package import content_dir, install_package, move_public_files
from .models import H5PActivity

PROGRAMME_SLUG = "peer-support-agent"
SESSION_NUMBER = 2
PASS_PERCENT = 75


def _say(stdout, message):
    if stdout:
        stdout.write(message)


def upload_demo_activity():
    data = build_package()
    activity = H5PActivity.objects.filter(title=DEMO_TITLE).order_by("pk").first()
    if activity is None:
        activity = H5PActivity(title=DEMO_TITLE, pass_percent=PASS_PERCENT)
    if activity.pk and activity.sha256 == hashlib.sha256(data).hexdigest():
        if (content_dir(activity) / "h5p.json").exists():
            return activity
    return install_package(activity, data, title=DEMO_TITLE)


def place_in_session(activity, plan):
    """Put the activity in the session's last activity, unless one already plays it."""
    raw = [dict(item) for item in plan.activities.raw_data]
    activity_items = [item for item in raw if item.get("type") == "activity"]
    if not activity_items:
        return False
    if any((item.get("value") or {}).get("h5p") == activity.pk for item in activity_items):
        return False
    target = activity_items[-1]
    target["value"] = {**(target.get("value") or {}), "h5p": activity.pk}
    plan.activities = StreamValue(plan.activities.stream_block, raw, is_lazy=True)
    plan.save_revision().publish()
    return True


def load(*, stdout=None):
    """Returns the demo H5PActivity, or None when the demo programme is missing."""
    programme = in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).first()
    plan = (
        SessionPlanPage.objects.child_of(programme).filter(number=SESSION_NUMBER).first()
        if programme
        else None
    )
    if plan is None:
        _say(stdout, "  H5P: the demo programme is missing, nothing loaded")
        return None
    if move_public_files():
        _say(stdout, "  H5P: files moved from the public media folder to the private one")
    activity = upload_demo_activity()
    placed = place_in_session(activity, plan.specific)
    _say(
        stdout,
        f"  H5P: '{activity.title}' in session {plan.number}"
        + (" (placed now)" if placed else " (already placed)"),
    )
    return activity
