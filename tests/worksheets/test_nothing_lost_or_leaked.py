"""Edge cases a review found: answers must neither leak nor be overwritten."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import activity, make_session, part, worksheet_with_parts
from training.models import Enrolment
from worksheets import services
from worksheets.models import Worksheet, WorksheetResponse

pytestmark = pytest.mark.django_db


@pytest.fixture
def worksheet(programme):
    worksheet = worksheet_with_parts(
        "My role model",
        part("reflection", "private", prompt="Who inspired you?"),
        part("reflection", "trainer", prompt="What will you take from them?"),
    )
    make_session(programme, activities=[activity(worksheet=worksheet)])
    return worksheet


def prompt_keys(worksheet, programme):
    return [p.key for part in worksheet.layout(programme=programme) for p in part.prompts]


def save(user, enrolment, worksheet, changes, base, device):
    return services.response_save(
        user=user,
        enrolment=enrolment,
        worksheet=worksheet,
        changes=changes,
        base_version=base,
        device=device,
    )


def test_a_private_part_that_was_answered_cannot_be_made_shared(
    trainee, enrolment, worksheet, programme
):
    private = prompt_keys(worksheet, programme)[0]
    save(trainee, enrolment, worksheet, {private: "MY SECRET"}, 0, "tab")
    worksheet = Worksheet.objects.get(pk=worksheet.pk)
    raw = worksheet.parts.raw_data
    raw[0]["value"]["visibility"] = "trainer"
    worksheet.parts = list(raw)
    with pytest.raises(ValidationError, match="trainees have already answered it in private"):
        worksheet.full_clean()


def test_a_private_part_nobody_answered_may_still_be_shared(worksheet):
    worksheet = Worksheet.objects.get(pk=worksheet.pk)
    raw = worksheet.parts.raw_data
    raw[0]["value"]["visibility"] = "trainer"
    worksheet.parts = list(raw)
    worksheet.full_clean()


def test_a_resend_from_the_same_device_after_a_lost_reply_is_not_a_conflict(
    trainee, enrolment, worksheet, programme
):
    private = prompt_keys(worksheet, programme)[0]
    save(trainee, enrolment, worksheet, {private: "hel"}, 0, "phone")
    # The reply never arrived; the phone sends its newer text from the same base version.
    result = save(trainee, enrolment, worksheet, {private: "hello"}, 0, "phone")
    assert result.saved and not result.conflicts
    assert WorksheetResponse.objects.get().answers[private] == "hello"


def test_another_device_changing_the_same_answer_is_still_a_conflict(
    trainee, enrolment, worksheet, programme
):
    private = prompt_keys(worksheet, programme)[0]
    save(trainee, enrolment, worksheet, {private: "hel"}, 0, "phone")
    result = save(trainee, enrolment, worksheet, {private: "other"}, 0, "laptop")
    assert result.conflicts


def test_after_a_refused_form_post_untouched_boxes_show_the_saved_text(
    as_user, trainee, enrolment, worksheet, programme
):
    private, shared = prompt_keys(worksheet, programme)
    save(trainee, enrolment, worksheet, {private: "A0", shared: "B0"}, 0, "setup")
    save(trainee, enrolment, worksheet, {private: "A-phone", shared: "B-phone"}, 1, "phone")
    client = as_user(trainee)
    url = reverse("worksheets:save", args=(enrolment.pk, worksheet.pk))
    # A browser without JavaScript loaded version 1 and changed only the first box.
    page = client.post(
        url, {private: "A-laptop", shared: "B0", "base_version": "1", "device": "form-1"}
    )
    assert page.status_code == 409
    html = page.content.decode()
    assert "B-phone" in html
    # Saving that page again keeps the phone's text in the box the laptop never touched.
    client.post(
        url, {private: "A-laptop", shared: "B-phone", "base_version": "2", "device": "form-1"}
    )
    answers = WorksheetResponse.objects.get().answers
    assert answers == {private: "A-laptop", shared: "B-phone"}


def test_the_paper_page_warns_not_to_photograph_private_parts(
    as_user, trainer, cohort, enrolment, worksheet
):
    url = reverse("worksheets:paper", args=(cohort.pk, worksheet.pk, enrolment.pk))
    html = as_user(trainer).get(url).content.decode()
    assert "This worksheet has private parts." in html


def test_an_invited_trainee_who_hands_in_shows_on_the_trainers_grid(
    as_user, trainer, trainee, cohort, enrolment, worksheet, programme
):
    enrolment.status = Enrolment.Status.INVITED
    enrolment.save()
    shared = prompt_keys(worksheet, programme)[1]
    response = save(trainee, enrolment, worksheet, {shared: "x"}, 0, "tab").response
    services.response_submit(user=trainee, response=response)
    html = as_user(trainer).get(reverse("worksheets:grid", args=(cohort.pk,))).content.decode()
    assert reverse("worksheets:review", args=(cohort.pk, response.pk)) in html


def test_the_portfolio_costs_the_same_however_many_worksheets(
    as_user, trainee, enrolment, programme, django_assert_max_num_queries
):
    from curriculum.models import PeerSupportValue

    PeerSupportValue.objects.create(name="Hope")

    def add_worksheets(count, start):
        sheets = [
            worksheet_with_parts(f"Values {n}", part("table", rows_from_values=True, rows=[]))
            for n in range(start, start + count)
        ]
        make_session(
            programme,
            number=start + 10,
            planned_duration=600,
            activities=[activity(worksheet=w, minutes=10) for w in sheets],
        )
        for sheet in sheets:
            key = sheet.layout(programme=programme)[0].prompts[0].key
            save(trainee, enrolment, sheet, {key: "An example"}, 0, "tab")

    client = as_user(trainee)
    url = reverse("worksheets:portfolio")
    add_worksheets(1, 0)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    add_worksheets(6, 1)
    with django_assert_max_num_queries(30) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
