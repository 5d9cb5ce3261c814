"""The class summary counts how the group judged each situation, for the debrief.

It shows counts only, never who chose what, and nothing of a classification the worksheet
keeps private.
"""

import pytest
from django.urls import reverse

from lms.roles import Role
from tests.factories import UserFactory, activity, make_session, part, worksheet_with_parts
from training.models import Enrolment
from worksheets.models import WorksheetResponse
from worksheets.summaries import classification_summary

pytestmark = pytest.mark.django_db

Status = WorksheetResponse.Status
ITEMS = [
    {
        "situation": "Shelter entrance",
        "description": "",
        "persons_involved": "",
        "answer": "Yes",
        "trainer_note": "Names are heard.",
    },
    {
        "situation": "Police at the door",
        "description": "",
        "persons_involved": "",
        "answer": "No",
        "trainer_note": "Only staff hear it.",
    },
]


def secrecy(visibility="group"):
    return worksheet_with_parts("Secrecy", part("classification", visibility, items=ITEMS))


def judgement_keys(worksheet):
    [classification] = worksheet.layout()
    return [item.judgement.key for item in classification.items]


def counts(item):
    return {count.choice: count.count for count in item.choices}


# --- the counting itself -------------------------------------------------------------------


def test_three_trainees_answering_yes_yes_no_count_two_yes_and_one_no():
    worksheet = secrecy()
    first, _second = judgement_keys(worksheet)
    answers = [{first: "Yes"}, {first: "Yes"}, {first: "No"}]
    [summary] = classification_summary(worksheet.layout(for_trainer=True), answers)
    shelter = summary.items[0]
    assert counts(shelter) == {"Yes": 2, "No": 1, "It depends": 0}
    assert shelter.not_answered == 0
    assert [count.percent for count in shelter.choices] == [67, 33, 0]
    assert summary.responses == 3


def test_an_item_left_open_counts_as_not_answered():
    worksheet = secrecy()
    first, second = judgement_keys(worksheet)
    answers = [{first: "Yes", second: "No"}, {first: "", second: "  "}, {}]
    [summary] = classification_summary(worksheet.layout(for_trainer=True), answers)
    assert summary.items[0].not_answered == 2
    assert counts(summary.items[1]) == {"Yes": 0, "No": 1, "It depends": 0}
    assert summary.items[1].not_answered == 2


def test_the_choice_of_the_answer_key_is_marked():
    worksheet = secrecy()
    [summary] = classification_summary(worksheet.layout(for_trainer=True), [])
    assert [c.choice for c in summary.items[0].choices if c.is_key] == ["Yes"]
    assert [c.choice for c in summary.items[1].choices if c.is_key] == ["No"]
    assert all(c.percent == 0 for item in summary.items for c in item.choices)


def test_an_answer_no_longer_among_the_choices_is_counted_apart():
    worksheet = secrecy()
    first, _second = judgement_keys(worksheet)
    answers = [{first: "Maybe"}, {first: "Yes"}]
    [summary] = classification_summary(worksheet.layout(for_trainer=True), answers)
    assert summary.items[0].other == 1
    assert counts(summary.items[0])["Yes"] == 1
    assert summary.has_other


def test_a_private_classification_is_not_counted_at_all():
    worksheet = secrecy("private")
    first, _second = judgement_keys(worksheet)
    assert classification_summary(worksheet.layout(for_trainer=True), [{first: "Yes"}]) == []


def test_other_parts_of_the_worksheet_are_left_out():
    worksheet = worksheet_with_parts(
        "Mixed", part("reflection", "group"), part("classification", "trainer", items=ITEMS)
    )
    summaries = classification_summary(worksheet.layout(for_trainer=True), [])
    assert [summary.part.kind for summary in summaries] == ["classification"]


# --- the page ------------------------------------------------------------------------------


@pytest.fixture
def third_trainee(cohort):
    user = UserFactory(
        username="third", first_name="Zebulon", last_name="Quartermain", roles=[Role.TRAINEE]
    )
    Enrolment.objects.create(cohort=cohort, trainee=user)
    return user


def test_the_page_shows_the_counts_of_handed_in_worksheets_and_no_names(
    as_user, programme, cohort, trainee, other_trainee, third_trainee, trainer
):
    worksheet = secrecy()
    make_session(programme, 1, activities=[activity("Secrecy", worksheet=worksheet)])
    first, second = judgement_keys(worksheet)
    for user, choice, status in [
        (trainee, "Yes", Status.SUBMITTED),
        (other_trainee, "Yes", Status.ACCEPTED),
        (third_trainee, "No", Status.RETURNED),
    ]:
        WorksheetResponse.objects.create(
            enrolment=cohort.enrolments.get(trainee=user),
            worksheet=worksheet,
            status=status,
            answers={first: choice, second: "No"},
        )
    # A draft is still the trainee's own: it is not counted.
    drafter = UserFactory(username="drafter", roles=[Role.TRAINEE])
    WorksheetResponse.objects.create(
        enrolment=Enrolment.objects.create(cohort=cohort, trainee=drafter),
        worksheet=worksheet,
        answers={first: "It depends"},
    )
    page = as_user(trainer).get(reverse("worksheets:summary", args=[cohort.pk, worksheet.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 worksheets handed in" in html
    assert "Answers of the group to: Is it a breach?" in html
    shelter = html[html.index("Shelter entrance") : html.index("Police at the door")]
    assert [n for n in _counts_in(shelter)] == ["2", "1", "0", "0"]  # Yes, No, It depends, none
    assert "Names are heard." in html
    for user in (trainee, other_trainee, third_trainee, drafter):
        assert user.get_full_name() not in html
    assert "Zebulon" not in html


def _counts_in(html):
    marker = '<span class="count">'
    pieces = html.split(marker)[1:]
    return [piece.split("<", 1)[0] for piece in pieces]


def test_a_private_classification_shows_nothing_on_the_page(
    as_user, programme, cohort, trainee, trainer
):
    worksheet = secrecy("private")
    make_session(programme, 1, activities=[activity("Secrecy", worksheet=worksheet)])
    first, _second = judgement_keys(worksheet)
    WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=trainee),
        worksheet=worksheet,
        status=Status.SUBMITTED,
        answers={first: "Yes"},
    )
    page = as_user(trainer).get(reverse("worksheets:summary", args=[cohort.pk, worksheet.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "private to each trainee" in html
    assert "<table" not in html
    assert "Shelter entrance" not in html
    assert "Names are heard." not in html


def test_a_worksheet_without_a_classification_has_no_summary(as_user, programme, cohort, trainer):
    worksheet = worksheet_with_parts("Diary", part("reflection", "group"))
    make_session(programme, 1, activities=[activity("Diary", worksheet=worksheet)])
    page = as_user(trainer).get(reverse("worksheets:summary", args=[cohort.pk, worksheet.pk]))
    assert page.status_code == 404
