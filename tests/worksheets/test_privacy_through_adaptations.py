"""An adaptation's copy of a worksheet follows its original when the adapter takes a change.
Taking changes must never open up an answer that a trainee of the adapted programme wrote
in private: the original's part deleted and added back as "trainer" comes to the adapter as
a part with the same block id, and taking it is refused, since the copy's answers record
that they were written in private (``Worksheet.clean``)."""

# The fixtures imported from the adaptations' conftest are test arguments by design.
# ruff: noqa: F811

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from adaptations.changes import review_for
from adaptations.models import AdaptedSnippet
from adaptations.services import TAKE, changes_decide
from tests.adaptations.conftest import adapt, original, quiz, scenario  # noqa: F401 - fixtures
from tests.factories import make_cohort, part, worksheet_with_parts
from training.models import CohortTrainer
from worksheets import services
from worksheets.blocks import PRIVATE, TRAINER
from worksheets.layout import visibility_by_part
from worksheets.models import Worksheet, WorksheetResponse

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "The night I was arrested"


@pytest.fixture
def worksheet(db):
    return worksheet_with_parts(
        "My role model",
        part("reflection", PRIVATE, prompt="What happened to you?"),
        part("reflection", TRAINER, prompt="Who inspired you?"),
    )


def take_every_change(adaptation):
    return changes_decide(
        adaptation=adaptation,
        decisions=[(change.ref, TAKE) for change in review_for(adaptation).changes],
    )


def test_taking_a_deleted_and_re_added_part_into_the_copy_keeps_private_answers_private(
    as_user, adapt, original, worksheet, organisation, trainer, trainee
):
    adaptation = adapt(original, publish=True)
    copy = Worksheet.objects.get(
        pk=AdaptedSnippet.objects.get(
            adaptation=adaptation,
            content_type=ContentType.objects.get_for_model(Worksheet),
            source_id=worksheet.pk,
        ).copy_id
    )
    cohort = make_cohort(
        adaptation.programme,
        organisation,
        trainers=[(trainer, CohortTrainer.Role.LEAD)],
        trainees=[trainee],
    )
    enrolment = cohort.enrolments.get()
    private_id, shared_id = (item["id"] for item in copy.parts.raw_data)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=copy,
        changes={private_id: PRIVATE_TEXT, shared_id: "Shared words"},
        base_version=0,
    )
    response = WorksheetResponse.objects.get()
    services.response_submit(user=trainee, response=response)

    # The original's authors delete the private part; the adapter takes that...
    raw = [dict(item) for item in worksheet.parts.raw_data]
    worksheet.parts = raw[1:]
    worksheet.save()
    take_every_change(adaptation)
    assert [item["id"] for item in Worksheet.objects.get(pk=copy.pk).parts.raw_data] == [shared_id]
    # ...then add it back, same block id, shared with the trainer: the adapter is told no.
    worksheet.parts = [
        {**raw[0], "value": {**raw[0]["value"], "visibility": TRAINER}},
        raw[1],
    ]
    worksheet.save()
    outcome = take_every_change(adaptation)
    assert outcome.taken == 0
    assert any("A private part cannot be shared now" in message for message in outcome.refused)
    assert visibility_by_part(Worksheet.objects.get(pk=copy.pk)) == {shared_id: TRAINER}

    html = (
        as_user(trainer)
        .get(reverse("worksheets:review", args=[cohort.pk, response.pk]))
        .content.decode()
    )
    assert "Shared words" in html
    assert PRIVATE_TEXT not in html
