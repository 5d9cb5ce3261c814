"""The demo's originals, for tests that load the demo.

Since the demo holds a Dutch translation of the programme (same slug, another locale) and
Kent's adaptation (copies of the session plans and worksheets, same titles), a lookup by
slug, number or title alone finds more than one. These find the library's own.
"""

from curriculum.models import ProgrammePage, SessionPlanPage
from lms.page_translations import in_library
from worksheets.models import Worksheet

PROGRAMME_SLUG = "peer-support-agent"


def programme():
    return in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).get()


def session(number):
    return SessionPlanPage.objects.child_of(programme()).get(number=number)


def worksheet(title):
    """The original worksheet: adaptations copy it later, so it has the lowest id."""
    return Worksheet.objects.filter(title=title).order_by("pk").first()


def worksheets():
    """{title: original worksheet}."""
    return {w.title: w for w in Worksheet.objects.order_by("-pk")}
