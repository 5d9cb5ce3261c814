"""Programmes to export: the demo one, and a small one that uses every kind of reference a
package must carry (pictures, documents, links between its pages)."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from curriculum.models import (
    ContentNote,
    PeerSupportValue,
    ProgrammeLearningOutcome,
    ProgrammePage,
    ProgrammeValue,
)
from tests import demo_pages
from tests.factories import (
    CaseScenarioFactory,
    WorksheetFactory,
    activity,
    curriculum_root,
    make_programme,
    make_session,
)


def png_bytes(colour=(200, 30, 30), size=(12, 8)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def demo_programme(db):
    call_command("load_demo", verbosity=0)
    return demo_pages.programme()


@pytest.fixture
def picture(db):
    image = get_image_model()(title="Two people talking", description="Two people on a bench")
    image.file = ImageFile(io.BytesIO(png_bytes()), name="talking.png")
    image.save()
    return image


@pytest.fixture
def handout(db):
    document = get_document_model()(title="Handout: the seven values")
    document.file.save("values.txt", ContentFile(b"Hope, Experience, Equity ..."), save=False)
    document.save()
    return document


@pytest.fixture
def linked_programme(db, picture, handout):
    """A programme whose pages link to each other, show a picture and offer a handout, and
    whose case scenario links back to the programme."""
    for position, name in enumerate(["Hope", "Mutuality"]):
        PeerSupportValue.objects.update_or_create(
            name=name, defaults={"description": f"What {name} means.", "sort_order": position}
        )
    note, _ = ContentNote.objects.get_or_create(name="Prison", defaults={"description": "Jail"})
    programme = make_programme(
        "Linked programme",
        description="<p>Start with the first session.</p>",
    )
    ProgrammeLearningOutcome.objects.create(page=programme, text="Explain peer support")
    ProgrammeValue.objects.create(
        page=programme, value=PeerSupportValue.objects.get(name="Mutuality"), sort_order=0
    )
    ProgrammeValue.objects.create(
        page=programme,
        value=PeerSupportValue.objects.get(name="Hope"),
        description="Our words",
        sort_order=1,
    )
    programme = ProgrammePage.objects.get(pk=programme.pk)
    programme.save_revision().publish()
    scenario = CaseScenarioFactory(
        title="Sam's story",
        narrative=f'<p>Read <a linktype="page" id="{programme.pk}">the programme</a> first.</p>',
    )
    scenario.content_notes.add(note)
    scenario.save()
    worksheet = WorksheetFactory(
        title="Questions about Sam",
        parts=[
            {
                "type": "case_questions",
                "value": {
                    "case_scenario": scenario.pk,
                    "questions": ["What would you do?"],
                    "answer_formats": ["audio"],
                    "visibility": "trainer",
                },
            },
            {
                "type": "table",
                "value": {
                    "instructions": "One row per value.",
                    "rows_from_values": True,
                    "rows": [],
                    "columns": [{"heading": "How I show it", "prompt": ""}],
                    "visibility": "private",
                },
            },
        ],
    )
    first = make_session(
        programme,
        number=1,
        title="Meeting Sam",
        introduction=(
            f'<p>Show the picture.</p><embed embedtype="image" id="{picture.pk}" '
            f'format="fullwidth" alt="Two people"/>'
        ),
        activities=[
            activity(
                "Read the story",
                minutes=40,
                up_to=50,
                worksheet=worksheet,
                scenario=scenario,
                procedure=(
                    f'<p>Hand out <a linktype="document" id="{handout.pk}">the values</a>.</p>'
                ),
            ),
            {"type": "pause", "value": {"title": "Tea", "minutes": 15}},
        ],
        outcomes=("Listen to Sam", "Name two values"),
    )
    second = make_session(programme, number=2, title="What Sam needs", outcomes=("Plan support",))
    # The programme and the first session link to the second one.
    programme = ProgrammePage.objects.get(pk=programme.pk)
    programme.description = (
        f'<p>Start with the first session, then <a linktype="page" id="{second.pk}">the '
        f"second</a>.</p>"
    )
    programme.save_revision().publish()
    first.closure = f'<p>Next time: <a linktype="page" id="{second.pk}">what Sam needs</a>.</p>'
    first.save_revision().publish()
    programme.refresh_from_db()
    return programme


@pytest.fixture
def library(db):
    return curriculum_root()
