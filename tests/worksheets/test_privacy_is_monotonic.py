"""An answer written in a private part stays private forever, whatever later happens to the
worksheet's definition.

Each response records the visibility every answer was written under; ``worksheets.access``
enforces the stricter of that record and the part's visibility now. So deleting a private
part and adding it back as "trainer", a bulk edit, a write that skips the editor's checks (an
import, a revision put back) or a change taken into an adaptation's copy never puts an
answer written in private in front of a trainer: not on the review page, not in a PDF, not
as a recording or picture, not in the class summary and not as a comment.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests.factories import activity, make_session, part, worksheet_with_parts
from training.models import Enrolment
from worksheets import services
from worksheets.answer_files import check_upload
from worksheets.blocks import GROUP, PRIVATE, TRAINER
from worksheets.layout import file_key
from worksheets.models import AnswerFeedback, AnswerFile, Worksheet, WorksheetResponse

pytestmark = pytest.mark.django_db

PRIVATE_TEXT = "I drank again the week my brother died"
PRIVATE_WHY = "Because nobody asked me"
SHARED_TEXT = "My neighbour, who listened"


@pytest.fixture
def worksheet(programme):
    """A private reflection that takes pictures, a reflection shared with the trainer, and a
    private classification exercise."""
    worksheet = worksheet_with_parts(
        "After the loss",
        part("reflection", PRIVATE, prompt="What happened?", answer_formats=["picture"]),
        part("reflection", TRAINER, prompt="Who helped?"),
        part("classification", PRIVATE),
    )
    make_session(programme, activities=[activity(worksheet=worksheet)])
    return worksheet


def keys_of(worksheet):
    """Private reflection, shared reflection, judgement, why."""
    return [p.key for part in worksheet.layout() for p in part.prompts]


def png(colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), colour).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "drawing.png"
    buffer.size = len(buffer.getvalue())
    return buffer


def add_picture(trainee, enrolment, worksheet):
    """The trainee adds a picture to the private reflection, through the services."""
    services.answer_file_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        key=keys_of(worksheet)[0],
        kind="picture",
        checked=check_upload("picture", png()),
    )


def write_everything(trainee, enrolment, worksheet):
    """The trainee answers every part through the services, as the pages do, and adds a
    picture to the private reflection."""
    private, shared, judgement, why = keys_of(worksheet)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={private: PRIVATE_TEXT, shared: SHARED_TEXT, judgement: "No", why: PRIVATE_WHY},
        base_version=0,
    )
    add_picture(trainee, enrolment, worksheet)


def reopened(raw, *, reflection=TRAINER, classification=GROUP):
    """``raw`` parts with the private ones made shared, keeping their block ids."""
    opened = []
    for item in raw:
        item = {**item, "value": dict(item["value"])}
        if item["value"]["visibility"] == PRIVATE:
            item["value"]["visibility"] = (
                classification if item["type"] == "classification" else reflection
            )
        opened.append(item)
    return opened


def delete_and_add_again(worksheet):
    """The route of the issue: the private parts are deleted and saved, then added back with
    the same block ids as shared parts and saved again."""
    raw = [dict(item) for item in worksheet.parts.raw_data]
    worksheet.parts = [item for item in raw if item["value"]["visibility"] != PRIVATE]
    worksheet.save()
    worksheet.parts = reopened(raw)
    worksheet.save()


def bulk_edit(worksheet):
    """A change that touches the table directly, past every model method."""
    raw = [dict(item) for item in worksheet.parts.raw_data]
    Worksheet.objects.filter(pk=worksheet.pk).update(parts=reopened(raw))


def write_in_place(worksheet):
    """A write that skips the editor's checks, as an import or a revision put back does."""
    worksheet.parts = reopened([dict(item) for item in worksheet.parts.raw_data])
    worksheet.save()


ROUTES = {
    "deleted and added again": delete_and_add_again,
    "a bulk edit": bulk_edit,
    "a write that skips the editor": write_in_place,
}


def trainer_view(client, cohort, response):
    return client.get(reverse("worksheets:review", args=[cohort.pk, response.pk]))


@pytest.mark.parametrize("route", ROUTES)
def test_after_the_definition_changes_the_trainer_sees_nothing_written_in_private(
    as_user, cohort, trainee, trainer, enrolment, worksheet, route
):
    write_everything(trainee, enrolment, worksheet)
    response = WorksheetResponse.objects.get(enrolment=enrolment)
    services.response_submit(user=trainee, response=response)
    picture = AnswerFile.objects.get()

    ROUTES[route](Worksheet.objects.get(pk=worksheet.pk))

    client = as_user(trainer)
    review = trainer_view(client, cohort, response)
    assert review.status_code == 200
    html = review.content.decode()
    assert SHARED_TEXT in html  # the page works, and shows what was shared
    assert PRIVATE_TEXT not in html
    assert PRIVATE_WHY not in html
    assert reverse("worksheets:answer_file", args=[picture.pk]) not in html
    # The picture itself.
    served = client.get(reverse("worksheets:answer_file", args=[picture.pk]))
    assert served.status_code == 403
    assert not served.has_header("Content-Disposition")
    # The PDF of the response belongs to the trainee: the trainer gets none of it.
    pdf = client.get(reverse("worksheets:response_pdf", args=[enrolment.pk, worksheet.pk]))
    assert pdf.status_code == 403
    assert PRIVATE_TEXT.encode() not in pdf.content


@pytest.mark.parametrize("route", ROUTES)
def test_after_the_definition_changes_the_class_summary_counts_no_private_choice(
    as_user, cohort, trainee, trainer, enrolment, worksheet, route
):
    write_everything(trainee, enrolment, worksheet)
    services.response_submit(user=trainee, response=WorksheetResponse.objects.get())

    ROUTES[route](Worksheet.objects.get(pk=worksheet.pk))

    page = as_user(trainer).get(reverse("worksheets:summary", args=[cohort.pk, worksheet.pk]))
    assert page.status_code == 200
    [summary] = page.context["summaries"]
    [item] = summary.items
    counts = {count.choice: count.count for count in item.choices}
    assert counts == {"Yes": 0, "No": 0, "It depends": 0}
    assert item.other == 0
    assert PRIVATE_WHY not in page.content.decode()


def test_a_trainer_cannot_comment_on_an_answer_written_in_private(
    as_user, cohort, trainee, trainer, enrolment, worksheet
):
    write_everything(trainee, enrolment, worksheet)
    response = WorksheetResponse.objects.get()
    services.response_submit(user=trainee, response=response)
    delete_and_add_again(Worksheet.objects.get(pk=worksheet.pk))
    private = keys_of(worksheet)[0]

    reply = as_user(trainer).post(
        reverse("worksheets:review", args=[cohort.pk, response.pk]),
        {"action": "comment", "key": private, "text": "Tell me more"},
    )

    assert reply.status_code == 403
    assert not AnswerFeedback.objects.exists()


def test_the_trainee_still_reads_everything_they_wrote_and_is_told_it_stays_private(
    as_user, trainee, enrolment, worksheet
):
    write_everything(trainee, enrolment, worksheet)
    delete_and_add_again(Worksheet.objects.get(pk=worksheet.pk))
    client = as_user(trainee)

    html = client.get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk])).content
    assert PRIVATE_TEXT in html.decode()
    assert "stay as private as they were" in html.decode()
    pdf = client.get(reverse("worksheets:response_pdf", args=[enrolment.pk, worksheet.pk]))
    assert pdf.status_code == 200
    words = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert PRIVATE_TEXT in words
    assert "They stay as private as they were then." in words
    picture = AnswerFile.objects.get()
    assert client.get(reverse("worksheets:answer_file", args=[picture.pk])).status_code == 200


def test_what_the_trainee_writes_after_the_part_was_shared_is_shared(
    as_user, cohort, trainee, trainer, programme
):
    """The record is per answer: a new answer in a part that is shared now is written under
    "trainer" and reaches the trainer, while the old one stays private."""
    worksheet = worksheet_with_parts(
        "Two questions",
        part("reflection", PRIVATE, prompt="First"),
        part("table", PRIVATE, rows=["Hope", "Trust"]),
    )
    make_session(programme, 2, activities=[activity(worksheet=worksheet)])
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    first, hope, trust = keys_of(worksheet)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={first: PRIVATE_TEXT, hope: "Hope, in private"},
        base_version=0,
    )
    write_in_place(Worksheet.objects.get(pk=worksheet.pk))
    worksheet.refresh_from_db()
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={trust: "Trust, written once it was shared", hope: "Hope, edited later"},
        base_version=1,
    )
    response = WorksheetResponse.objects.get(enrolment=enrolment)
    assert response.written_under == {first: PRIVATE, hope: PRIVATE, trust: TRAINER}
    services.response_submit(user=trainee, response=response)

    html = trainer_view(as_user(trainer), cohort, response).content.decode()

    assert "Trust, written once it was shared" in html
    # Once written in private, always private, even when edited in a shared part; the
    # trainer is told why the box is not shown rather than "No answer".
    assert "Hope, edited later" not in html
    assert "when only they could read it, so it stays with them" in html
    assert PRIVATE_TEXT not in html


def test_every_way_of_writing_an_answer_records_what_it_was_written_under(
    trainee, enrolment, worksheet
):
    private, shared, judgement, why = keys_of(worksheet)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={shared: SHARED_TEXT, judgement: "Yes"},
        base_version=0,
    )
    add_picture(trainee, enrolment, worksheet)
    services.answer_file_remove(
        user=trainee, enrolment=enrolment, worksheet=worksheet, key=private, kind="picture"
    )
    response = WorksheetResponse.objects.get()
    assert response.written_under == {
        shared: TRAINER,
        judgement: PRIVATE,
        file_key(private, "picture"): PRIVATE,
    }


def test_an_answer_stored_without_the_services_is_recorded_as_the_part_is_now(
    cohort, trainee, worksheet
):
    private, shared, _judgement, _why = keys_of(worksheet)
    response = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=trainee),
        worksheet=worksheet,
        answers={private: PRIVATE_TEXT, shared: SHARED_TEXT, "gone-part:0": "From a deleted part"},
    )
    # A part that is no longer in the worksheet: nobody knows how it was shared, so private.
    assert response.written_under == {private: PRIVATE, shared: TRAINER, "gone-part:0": PRIVATE}


def test_an_answer_that_reached_the_table_without_a_record_stays_with_its_author(
    as_user, cohort, trainee, trainer, worksheet
):
    """Fail closed: an answer with no record (written past every model method) is treated
    as private, whatever the part says now."""
    _private, shared, _judgement, _why = keys_of(worksheet)
    response = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=trainee),
        worksheet=worksheet,
        status=WorksheetResponse.Status.SUBMITTED,
    )
    WorksheetResponse.objects.filter(pk=response.pk).update(answers={shared: SHARED_TEXT})

    review = trainer_view(as_user(trainer), cohort, response)

    assert review.status_code == 200
    assert SHARED_TEXT not in review.content.decode()


# --- the editor -------------------------------------------------------------------------------


def edit_url(worksheet):
    return reverse("wagtailsnippets_worksheets_worksheet:edit", args=[worksheet.pk])


def editor_form(worksheet, parts):
    """What the Wagtail editor posts for ``worksheet`` with these reflections, each given as
    ``(block id or None, prompt, visibility)``."""
    data = nested_form_data(
        {
            "title": worksheet.title,
            "reference": "",
            "instructions": worksheet.instructions,
            "easy_read_instructions": "",
            "parts": streamfield(
                [
                    (
                        "reflection",
                        {
                            "prompt": prompt,
                            "guidance": "",
                            "easy_read_prompt": "",
                            "visibility": visibility,
                        },
                    )
                    for _id, prompt, visibility in parts
                ]
            ),
        }
    )
    for index, (block_id, _prompt, _visibility) in enumerate(parts):
        if block_id:
            data[f"parts-{index}-id"] = block_id
    return data


def test_in_the_editor_a_private_part_deleted_and_added_again_as_shared_keeps_its_answers_private(
    client, as_user, editor, cohort, trainee, trainer, programme
):
    worksheet = worksheet_with_parts(
        "Diary",
        part("reflection", PRIVATE, prompt="How are you?"),
        part("reflection", TRAINER, prompt="What did you learn?"),
    )
    make_session(programme, 2, activities=[activity(worksheet=worksheet)])
    enrolment = Enrolment.objects.get(cohort=cohort, trainee=trainee)
    private_id, shared_id = (item["id"] for item in worksheet.parts.raw_data)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={private_id: PRIVATE_TEXT, shared_id: SHARED_TEXT},
        base_version=0,
    )
    response = WorksheetResponse.objects.get(enrolment=enrolment)
    services.response_submit(user=trainee, response=response)

    client.force_login(editor)
    deleted = client.post(
        edit_url(worksheet), editor_form(worksheet, [(shared_id, "What did you learn?", TRAINER)])
    )
    assert deleted.status_code == 302, deleted.content.decode()[:2000]
    assert [item["id"] for item in Worksheet.objects.get().parts.raw_data] == [shared_id]
    added = client.post(
        edit_url(worksheet),
        editor_form(
            worksheet,
            [(private_id, "How are you?", TRAINER), (shared_id, "What did you learn?", TRAINER)],
        ),
    )
    # The editor is told why, and the part stays out...
    assert "A private part cannot be shared now" in added.content.decode()
    assert [item["id"] for item in Worksheet.objects.get().parts.raw_data] == [shared_id]

    # ...and had it gone in by any other way, the trainer would still read nothing of it.
    html = trainer_view(as_user(trainer), cohort, response).content.decode()
    assert SHARED_TEXT in html
    assert PRIVATE_TEXT not in html


def test_a_part_made_shared_in_one_step_is_still_refused_with_a_plain_message(
    cohort, trainee, enrolment, worksheet
):
    write_everything(trainee, enrolment, worksheet)
    worksheet = Worksheet.objects.get(pk=worksheet.pk)
    worksheet.parts = reopened([dict(item) for item in worksheet.parts.raw_data])
    with pytest.raises(ValidationError, match="A private part cannot be shared now"):
        worksheet.full_clean()


def test_a_private_part_without_answers_can_still_be_shared(worksheet):
    worksheet.parts = reopened([dict(item) for item in worksheet.parts.raw_data])
    worksheet.full_clean()  # nothing written: nothing to protect
    worksheet.save()
    assert [part.visibility for part in Worksheet.objects.get().layout()] == [
        TRAINER,
        TRAINER,
        GROUP,
    ]


def test_the_migration_records_existing_answers_under_the_definition_of_today(
    cohort, trainee, other_trainee, worksheet
):
    """Migration 0005: answers stored before the record existed get the visibility their
    part has today, and private when their part is gone."""
    import importlib

    from django.apps import apps

    private, shared, judgement, _why = keys_of(worksheet)
    mine = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=trainee), worksheet=worksheet
    )
    theirs = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=other_trainee), worksheet=worksheet
    )
    WorksheetResponse.objects.filter(pk=mine.pk).update(
        answers={private: "a", shared: "b", file_key(shared, "audio"): "7", "gone:0": "c"},
        written_under={},
    )
    WorksheetResponse.objects.filter(pk=theirs.pk).update(
        answers={judgement: "Yes"}, written_under={}
    )

    migration = importlib.import_module(
        "worksheets.migrations.0005_answers_record_their_visibility"
    )
    migration.record_current_visibility(apps, None)

    assert WorksheetResponse.objects.get(pk=mine.pk).written_under == {
        private: PRIVATE,
        shared: TRAINER,
        file_key(shared, "audio"): TRAINER,
        "gone:0": PRIVATE,
    }
    assert WorksheetResponse.objects.get(pk=theirs.pk).written_under == {judgement: PRIVATE}


# --- a change while the trainee writes --------------------------------------------------------


def shared_while_open(worksheet):
    """The editor shares the private parts while the trainee has the page open: nobody has
    answered yet, so the editor's check lets it through."""
    worksheet = Worksheet.objects.get(pk=worksheet.pk)
    worksheet.parts = reopened([dict(item) for item in worksheet.parts.raw_data])
    worksheet.full_clean()
    worksheet.save()


def test_an_answer_is_recorded_under_what_the_page_showed_when_a_form_is_posted(
    as_user, cohort, trainee, trainer, enrolment, worksheet
):
    client = as_user(trainee)
    page = client.get(reverse("worksheets:fill", args=[enrolment.pk, worksheet.pk]))
    private, shared, _judgement, _why = keys_of(worksheet)
    shown = [f"{item['id']}:{item['value']['visibility']}" for item in worksheet.parts.raw_data]
    for value in shown:
        assert f'name="shown" value="{value}"' in page.content.decode()
    shared_while_open(worksheet)

    client.post(
        reverse("worksheets:save", args=[enrolment.pk, worksheet.pk]),
        {private: PRIVATE_TEXT, shared: SHARED_TEXT, "base_version": "0", "shown": shown},
    )
    response = WorksheetResponse.objects.get()
    assert response.written_under[private] == PRIVATE
    services.response_submit(user=trainee, response=response)

    html = trainer_view(as_user(trainer), cohort, response).content.decode()
    assert SHARED_TEXT in html
    assert PRIVATE_TEXT not in html


def test_an_answer_is_recorded_under_what_the_page_showed_when_autosave_sends_it(
    as_user, cohort, trainee, trainer, enrolment, worksheet
):
    import json

    private, shared, _judgement, _why = keys_of(worksheet)
    shown = {item["id"]: item["value"]["visibility"] for item in worksheet.parts.raw_data}
    shared_while_open(worksheet)
    client = as_user(trainee)
    reply = client.post(
        reverse("worksheets:save", args=[enrolment.pk, worksheet.pk]),
        json.dumps(
            {
                "changes": {private: PRIVATE_TEXT, shared: SHARED_TEXT},
                "base_version": 0,
                "device": "tab-1",
                "shown": shown,
            }
        ),
        content_type="application/json",
    )
    assert reply.status_code == 200, reply.content
    assert WorksheetResponse.objects.get().written_under[private] == PRIVATE


def test_what_a_page_says_it_showed_can_only_make_an_answer_more_private(
    trainee, enrolment, worksheet
):
    private, shared, _judgement, _why = keys_of(worksheet)
    private_id, shared_id = private, shared  # reflections: the key is the part id
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes={private: PRIVATE_TEXT, shared: SHARED_TEXT},
        base_version=0,
        shown={private_id: GROUP, shared_id: "everyone", "not-a-part": PRIVATE},
    )
    assert WorksheetResponse.objects.get().written_under == {private: PRIVATE, shared: TRAINER}


def test_a_part_shared_already_does_not_stop_the_editor_changing_the_rest(
    as_user, trainee, enrolment, worksheet
):
    """An answer recorded as private in a part that is shared now (the editor shared it
    while the trainee was writing) stays private, and the editor can still edit."""
    private, shared, _judgement, _why = keys_of(worksheet)
    shown = {item["id"]: item["value"]["visibility"] for item in worksheet.parts.raw_data}
    shared_while_open(worksheet)
    services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=Worksheet.objects.get(pk=worksheet.pk),
        changes={private: PRIVATE_TEXT},
        base_version=0,
        shown=shown,
    )
    worksheet = Worksheet.objects.get(pk=worksheet.pk)
    worksheet.title = "After the loss (revised)"
    worksheet.full_clean()
    worksheet.save()
    assert Worksheet.objects.get().title == "After the loss (revised)"
    assert WorksheetResponse.objects.get().written_under[private] == PRIVATE
