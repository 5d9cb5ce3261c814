"""Saving, handing in and reviewing responses: versions, merges, conflicts and refusals."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import part, worksheet_with_parts
from training.models import Enrolment
from worksheets import services
from worksheets.layout import ANSWER_MAX_LENGTH
from worksheets.models import ResponseVersion, WorksheetResponse

pytestmark = pytest.mark.django_db


def keys(worksheet, programme):
    return [prompt.key for p in worksheet.layout(programme=programme) for prompt in p.prompts]


def save(trainee, enrolment, worksheet, changes, base, device="tab-1"):
    return services.response_save(
        user=trainee,
        enrolment=enrolment,
        worksheet=worksheet,
        changes=changes,
        base_version=base,
        device=device,
    )


def test_every_save_is_kept_as_a_version(trainee, enrolment, worksheet, programme):
    private, shared, *_ = keys(worksheet, programme)
    first = save(trainee, enrolment, worksheet, {private: "My aunt"}, 0)
    second = save(trainee, enrolment, worksheet, {private: "My aunt Rosa"}, 1)
    assert (first.saved, second.saved) == (True, True)
    response = second.response
    assert response.version == 2
    assert response.answers == {private: "My aunt Rosa"}
    versions = ResponseVersion.objects.filter(response=response).order_by("number")
    assert [v.answers[private] for v in versions] == ["My aunt", "My aunt Rosa"]
    assert versions[0].device == "tab-1"


def test_changes_to_different_answers_from_two_tabs_are_merged(
    trainee, enrolment, worksheet, programme
):
    private, shared, *_ = keys(worksheet, programme)
    save(trainee, enrolment, worksheet, {private: "Rosa"}, 0, device="phone")
    # The laptop loaded version 0 and typed another answer meanwhile.
    result = save(trainee, enrolment, worksheet, {shared: "Patience"}, 0, device="laptop")
    assert result.saved
    assert result.merged == {private: "Rosa"}
    assert result.response.answers == {private: "Rosa", shared: "Patience"}


def test_the_same_answer_changed_in_two_tabs_is_not_overwritten(
    trainee, enrolment, worksheet, programme
):
    private, *_ = keys(worksheet, programme)
    save(trainee, enrolment, worksheet, {private: "Rosa, my aunt"}, 0, device="phone")
    result = save(trainee, enrolment, worksheet, {private: "My teacher"}, 0, device="laptop")
    assert not result.saved
    assert result.conflicts == {private: {"mine": "My teacher", "theirs": "Rosa, my aunt"}}
    response = WorksheetResponse.objects.get()
    assert response.answers == {private: "Rosa, my aunt"}
    assert response.version == 1
    # Keeping both, on top of the newer version, saves.
    both = save(trainee, enrolment, worksheet, {private: "Rosa, my aunt\n\nMy teacher"}, 1)
    assert both.saved and both.response.version == 2


def test_an_answer_that_is_too_long_changes_nothing(trainee, enrolment, worksheet, programme):
    private, *_ = keys(worksheet, programme)
    save(trainee, enrolment, worksheet, {private: "Rosa"}, 0)
    with pytest.raises(ValidationError, match="longer than"):
        save(trainee, enrolment, worksheet, {private: "x" * (ANSWER_MAX_LENGTH + 1)}, 1)
    assert WorksheetResponse.objects.get().answers == {private: "Rosa"}


def test_a_judgement_must_be_one_of_the_choices(trainee, enrolment, worksheet, programme):
    judgement = keys(worksheet, programme)[2]
    with pytest.raises(ValidationError, match="one of the choices"):
        save(trainee, enrolment, worksheet, {judgement: "Maybe"}, 0)
    assert save(trainee, enrolment, worksheet, {judgement: "It depends"}, 0).saved


def test_an_unknown_answer_key_is_refused(trainee, enrolment, worksheet):
    with pytest.raises(ValidationError, match="changed since you opened it"):
        save(trainee, enrolment, worksheet, {"made-up": "text"}, 0)
    assert not WorksheetResponse.objects.exists()


def test_a_worksheet_outside_the_trainees_programme_is_refused(trainee, enrolment):
    stray = worksheet_with_parts("Not in this programme", part("reflection"))
    with pytest.raises(PermissionDenied):
        save(trainee, enrolment, stray, {}, 0)


def test_nobody_saves_into_someone_elses_enrolment(other_trainee, enrolment, worksheet):
    with pytest.raises(PermissionDenied):
        save(other_trainee, enrolment, worksheet, {}, 0)


def test_a_withdrawn_trainee_cannot_change_answers(trainee, enrolment, worksheet, programme):
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.save()
    with pytest.raises(PermissionDenied):
        save(trainee, enrolment, worksheet, {keys(worksheet, programme)[0]: "x"}, 0)


def test_handing_in_locks_the_response_until_it_is_returned(
    trainee, trainer, enrolment, worksheet, programme
):
    private, *_ = keys(worksheet, programme)
    response = save(trainee, enrolment, worksheet, {private: "Rosa"}, 0).response
    services.response_submit(user=trainee, response=response)
    with pytest.raises(ValidationError, match="handed in"):
        save(trainee, enrolment, worksheet, {private: "changed"}, 1)
    with pytest.raises(ValidationError, match="already handed in"):
        services.response_submit(user=trainee, response=response)

    services.response_review(
        trainer=trainer, response=response, decision="returned", feedback="Say more."
    )
    response.refresh_from_db()
    assert response.status == "returned" and response.feedback == "Say more."
    assert save(trainee, enrolment, worksheet, {private: "Rosa, who"}, 1).saved


def test_only_the_cohorts_trainers_review(trainee, other_org_trainer, enrolment, worksheet):
    response = save(trainee, enrolment, worksheet, {}, 0).response
    services.response_submit(user=trainee, response=response)
    with pytest.raises(PermissionDenied):
        services.response_review(trainer=other_org_trainer, response=response, decision="accepted")


def test_a_trainer_cannot_comment_on_a_private_answer(
    trainee, trainer, enrolment, worksheet, programme
):
    private, shared, *_ = keys(worksheet, programme)
    response = save(trainee, enrolment, worksheet, {private: "a", shared: "b"}, 0).response
    parts = worksheet.layout(programme=programme)
    with pytest.raises(PermissionDenied):
        services.answer_feedback_add(
            trainer=trainer, response=response, key=private, text="Nice", parts=parts
        )
    note = services.answer_feedback_add(
        trainer=trainer, response=response, key=shared, text="Good point", parts=parts
    )
    assert note.text == "Good point"


def test_a_paper_copy_counts_as_handed_in(trainer, enrolment, worksheet):
    response = services.response_record_paper(
        trainer=trainer, enrolment=enrolment, worksheet=worksheet
    )
    assert response.on_paper and response.status == "submitted"


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("trainee", {"private", "shared"}),
        ("trainer", {"shared"}),
        ("co_trainer", {"shared"}),
        ("other_org_trainer", set()),
        ("other_trainee", set()),
        ("editor", set()),
        ("manager", set()),
        ("superuser", set()),
    ],
)
def test_who_reads_which_answers(request, persona, sees, trainee, enrolment, worksheet, programme):
    from django.contrib.auth.models import User

    from worksheets.access import readable_answers

    private, shared, *_ = keys(worksheet, programme)
    response = save(trainee, enrolment, worksheet, {private: "private", shared: "shared"}, 0)
    if persona == "superuser":
        viewer = User.objects.create_superuser("root", "root@example.org", "x")
    else:
        viewer = request.getfixturevalue(persona)
    parts = worksheet.layout(programme=programme)
    assert set(readable_answers(viewer, response.response, parts).values()) == sees
