"""A trainer reads what was handed in, comments, and returns or accepts it.

The review shows shared answers only: private reflections stay with their author, whoever
asks. The grid shows where every trainee stands at a cost that does not grow with the group.
"""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from lms.roles import Role
from tests.factories import (
    UserFactory,
    activity,
    make_cohort,
    make_session,
    part,
    worksheet_with_parts,
)
from training.models import CohortTrainer, Enrolment
from worksheets.models import AnswerFeedback, WorksheetResponse
from worksheets.selectors import trainer_cohorts

pytestmark = pytest.mark.django_db

Status = WorksheetResponse.Status
PRIVATE_TEXT = "I slept in the car park behind the station"
SHARED_TEXT = "My cousin listened without judging"


@pytest.fixture
def worksheet(programme):
    worksheet = worksheet_with_parts(
        "My role model",
        part("reflection", "private", prompt="Who inspired you?"),
        part("reflection", "trainer", prompt="What did they do?"),
        part("classification", "group"),
    )
    make_session(programme, 1, activities=[activity("Role models", worksheet=worksheet)])
    return worksheet


def keys(worksheet):
    return [prompt.key for p in worksheet.layout() for prompt in p.prompts]


def hand_in(cohort, user, worksheet, status=Status.SUBMITTED, **answers):
    private, shared, judgement, why = keys(worksheet)
    return WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=user),
        worksheet=worksheet,
        status=status,
        answers={
            private: answers.get("private", PRIVATE_TEXT),
            shared: answers.get("shared", SHARED_TEXT),
            judgement: answers.get("judgement", "No"),
            why: answers.get("why", "Only staff hear it"),
        },
    )


def review_url(response):
    return reverse("worksheets:review", args=[response.enrolment.cohort_id, response.pk])


# --- what the review page shows ------------------------------------------------------------


def test_a_trainer_reads_the_shared_answers_but_never_the_private_one(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    html = as_user(trainer).get(review_url(response)).content.decode()
    assert SHARED_TEXT in html
    assert "Only staff hear it" in html
    assert "Private reflection: not shared" in html
    # Not even hidden in a form field, an attribute or a comment.
    assert PRIVATE_TEXT not in html
    assert "car park" not in html


def test_the_co_trainer_reads_the_same_shared_answers(
    as_user, cohort, trainee, co_trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    html = as_user(co_trainer).get(review_url(response)).content.decode()
    assert SHARED_TEXT in html
    assert PRIVATE_TEXT not in html


def test_a_superuser_in_the_front_end_gets_no_answers_at_all(as_user, cohort, trainee, worksheet):
    superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
    response = hand_in(cohort, trainee, worksheet)
    page = as_user(superuser).get(review_url(response))
    assert page.status_code == 403
    assert PRIVATE_TEXT.encode() not in page.content
    assert SHARED_TEXT.encode() not in page.content


def test_answers_are_shown_as_text_never_as_markup(as_user, cohort, trainee, trainer, worksheet):
    response = hand_in(cohort, trainee, worksheet, shared='<script>alert("x")</script>')
    html = as_user(trainer).get(review_url(response)).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_answer_key_and_note_stand_next_to_the_trainees_judgement(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet, judgement="No")
    html = as_user(trainer).get(review_url(response)).content.decode()
    choice, key = html.index("Trainee&#x27;s choice"), html.index("Answer key:")
    assert choice < key
    assert "different from the trainee" in html
    assert "Names are heard." in html


def test_a_worksheet_with_only_private_parts_says_so_and_can_still_be_accepted(
    as_user, programme, cohort, trainee, trainer
):
    diary = worksheet_with_parts("Diary", part("reflection", "private", prompt="How are you?"))
    make_session(programme, 2, activities=[activity("Diary", worksheet=diary)])
    [key] = keys(diary)
    response = WorksheetResponse.objects.create(
        enrolment=cohort.enrolments.get(trainee=trainee),
        worksheet=diary,
        status=Status.SUBMITTED,
        answers={key: PRIVATE_TEXT},
    )
    client = as_user(trainer)
    html = client.get(review_url(response)).content.decode()
    assert "Everything in this worksheet is private to the trainee" in html
    assert PRIVATE_TEXT not in html
    client.post(review_url(response), {"action": "review", "decision": "accepted"})
    response.refresh_from_db()
    assert response.status == Status.ACCEPTED


# --- returning and accepting ------------------------------------------------------------------


def test_returning_a_worksheet_sends_it_back_editable_with_the_feedback(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    page = as_user(trainer).post(
        review_url(response),
        {"action": "review", "decision": "returned", "feedback": "  Add one example, please. "},
    )
    assert page.status_code == 302
    assert page["Location"] == reverse("worksheets:grid", args=[cohort.pk])
    response.refresh_from_db()
    assert response.status == Status.RETURNED
    assert response.is_editable
    assert response.feedback == "Add one example, please."
    assert response.reviewed_by == trainer


def test_accepting_a_worksheet_records_who_accepted_it_and_when(
    as_user, cohort, trainee, co_trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    client = as_user(co_trainer)
    page = client.post(
        review_url(response), {"action": "review", "decision": "accepted", "feedback": "Well done"}
    )
    response.refresh_from_db()
    assert response.status == Status.ACCEPTED
    assert not response.is_editable
    assert response.feedback == "Well done"
    assert response.reviewed_by == co_trainer
    assert response.reviewed_at is not None
    grid = client.get(page["Location"]).content.decode()
    assert "worksheet is accepted" in grid


def test_returning_without_a_word_asks_what_to_change_and_changes_nothing(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    page = as_user(trainer).post(
        review_url(response), {"action": "review", "decision": "returned", "feedback": " "}
    )
    assert page.status_code == 400
    assert "Say what to change" in page.content.decode()
    response.refresh_from_db()
    assert response.status == Status.SUBMITTED


def test_a_made_up_decision_is_refused(as_user, cohort, trainee, trainer, worksheet):
    response = hand_in(cohort, trainee, worksheet)
    page = as_user(trainer).post(
        review_url(response), {"action": "review", "decision": "draft", "feedback": "x"}
    )
    assert page.status_code == 400
    assert "Choose to return or to accept the worksheet." in page.content.decode()
    response.refresh_from_db()
    assert response.status == Status.SUBMITTED


def test_a_returned_worksheet_waits_for_the_trainee_before_it_can_be_accepted(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet, status=Status.RETURNED)
    client = as_user(trainer)
    html = client.get(review_url(response)).content.decode()
    assert "back with the trainee for changes" in html
    assert 'value="accepted"' not in html
    page = client.post(review_url(response), {"action": "review", "decision": "accepted"})
    assert page.status_code == 400
    assert "Only a handed-in worksheet can be returned or accepted." in page.content.decode()
    response.refresh_from_db()
    assert response.status == Status.RETURNED


# --- comments on answers -------------------------------------------------------------------


def test_a_comment_on_a_shared_answer_is_saved_and_shown_beside_it(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    shared_key = keys(worksheet)[1]
    client = as_user(trainer)
    page = client.post(
        review_url(response), {"action": "comment", "key": shared_key, "text": "A lovely example"}
    )
    assert page.status_code == 302
    assert page["Location"].endswith(f"#answer-{shared_key}")
    [comment] = AnswerFeedback.objects.all()
    assert (comment.key, comment.text, comment.author) == (shared_key, "A lovely example", trainer)
    html = client.get(review_url(response)).content.decode()
    assert html.index(SHARED_TEXT) < html.index("A lovely example")


def test_a_comment_on_a_private_answer_is_refused(as_user, cohort, trainee, trainer, worksheet):
    response = hand_in(cohort, trainee, worksheet)
    private_key = keys(worksheet)[0]
    page = as_user(trainer).post(
        review_url(response), {"action": "comment", "key": private_key, "text": "Tell me more"}
    )
    assert page.status_code == 403
    assert not AnswerFeedback.objects.exists()


def test_an_empty_comment_is_refused_with_a_message_next_to_the_answer(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    shared_key = keys(worksheet)[1]
    page = as_user(trainer).post(
        review_url(response), {"action": "comment", "key": shared_key, "text": ""}
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert "Write a comment first." in html
    assert f'id="comment-error-{shared_key}"' in html
    assert PRIVATE_TEXT not in html
    assert not AnswerFeedback.objects.exists()


def test_a_post_without_a_known_action_is_a_bad_request(
    as_user, cohort, trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    assert as_user(trainer).post(review_url(response), {"action": "delete"}).status_code == 400


# --- the grid ------------------------------------------------------------------------------


def test_the_grid_shows_where_each_trainee_stands(
    as_user, cohort, trainee, other_trainee, trainer, worksheet
):
    handed = hand_in(cohort, trainee, worksheet)
    draft = hand_in(cohort, other_trainee, worksheet, status=Status.DRAFT)
    html = as_user(trainer).get(reverse("worksheets:grid", args=[cohort.pk])).content.decode()
    assert trainee.get_full_name() in html
    assert other_trainee.get_full_name() in html
    assert "My role model" in html
    assert "Handed in" in html
    assert review_url(handed) in html
    # The draft is named but not opened.
    assert "Draft" in html
    assert review_url(draft) not in html
    assert reverse("worksheets:summary", args=[cohort.pk, worksheet.pk]) in html
    blank = reverse("worksheets:blank_pdf", args=[worksheet.pk])
    assert f"{blank}?programme={cohort.programme.pk}" in html
    enrolment = cohort.enrolments.get(trainee=other_trainee)
    assert reverse("worksheets:paper", args=[cohort.pk, worksheet.pk, enrolment.pk]) in html
    assert SHARED_TEXT not in html


def test_the_grid_marks_paper_copies_and_leaves_out_people_who_left(
    as_user, cohort, trainee, other_trainee, trainer, worksheet
):
    response = hand_in(cohort, trainee, worksheet)
    response.on_paper = True
    response.save()
    Enrolment.objects.filter(trainee=other_trainee).update(status=Enrolment.Status.WITHDRAWN)
    html = as_user(trainer).get(reverse("worksheets:grid", args=[cohort.pk])).content.decode()
    assert "On paper" in html
    assert other_trainee.get_full_name() not in html


def test_a_worksheet_without_a_shared_classification_has_no_class_summary_link(
    as_user, programme, cohort, trainer
):
    private = worksheet_with_parts("Quiz", part("classification", "private"))
    make_session(programme, 3, activities=[activity("Quiz", worksheet=private)])
    html = as_user(trainer).get(reverse("worksheets:grid", args=[cohort.pk])).content.decode()
    assert "Quiz" in html
    assert reverse("worksheets:summary", args=[cohort.pk, private.pk]) not in html
    assert "Class summary" not in html


def build_cohort(programme, organisation, trainer, worksheets, size, name):
    trainees = [UserFactory(roles=[Role.TRAINEE]) for _ in range(size)]
    cohort = make_cohort(
        programme,
        organisation,
        trainers=[(trainer, CohortTrainer.Role.LEAD)],
        trainees=trainees,
        name=name,
    )
    for index, user in enumerate(trainees):
        for worksheet in worksheets:
            WorksheetResponse.objects.create(
                enrolment=cohort.enrolments.get(trainee=user),
                worksheet=worksheet,
                status=[Status.DRAFT, Status.SUBMITTED, Status.ACCEPTED][index % 3],
                on_paper=index % 2 == 0,
            )
    return cohort


def count_queries(client, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(25) as captured:
        page = client.get(url)
    assert page.status_code == 200
    return len(captured.captured_queries)


def test_the_grid_costs_the_same_queries_for_two_or_ten_trainees(
    as_user, programme, organisation, trainer, django_assert_max_num_queries
):
    worksheets = [
        worksheet_with_parts(f"Sheet {n}", part("classification", "group")) for n in range(3)
    ]
    make_session(programme, 1, activities=[activity(worksheet=w) for w in worksheets])
    small = build_cohort(programme, organisation, trainer, worksheets, 2, "Small")
    large = build_cohort(programme, organisation, trainer, worksheets, 10, "Large")
    client = as_user(trainer)
    client.get(reverse("worksheets:grid", args=[small.pk]))  # warm shared caches
    small_count = count_queries(
        client, reverse("worksheets:grid", args=[small.pk]), django_assert_max_num_queries
    )
    large_count = count_queries(
        client, reverse("worksheets:grid", args=[large.pk]), django_assert_max_num_queries
    )
    assert large_count == small_count


def test_the_review_costs_the_same_queries_for_few_or_many_answers(
    as_user, programme, cohort, trainee, trainer, django_assert_max_num_queries
):
    def table_response(rows, title):
        worksheet = worksheet_with_parts(
            title,
            part(
                "table",
                "group",
                rows=[f"Row {n}" for n in range(rows)],
                columns=[{"heading": "Then", "prompt": ""}, {"heading": "Now", "prompt": ""}],
            ),
            part("reflection", "private"),
            part("case_questions", "trainer", questions=[f"Q{n}?" for n in range(rows)]),
        )
        make_session(programme, rows, activities=[activity(worksheet=worksheet)])
        answer_keys = keys(worksheet)
        response = WorksheetResponse.objects.create(
            enrolment=cohort.enrolments.get(trainee=trainee),
            worksheet=worksheet,
            status=Status.SUBMITTED,
            answers={key: f"Answer {n}" for n, key in enumerate(answer_keys)},
        )
        for key in answer_keys:
            AnswerFeedback.objects.create(response=response, key=key, text="Ok", author=trainer)
        return response

    few = table_response(1, "Few")
    many = table_response(15, "Many")
    client = as_user(trainer)
    client.get(review_url(few))
    few_count = count_queries(client, review_url(few), django_assert_max_num_queries)
    many_count = count_queries(client, review_url(many), django_assert_max_num_queries)
    assert many_count == few_count
    html = client.get(review_url(many)).content.decode()
    # 30 table cells (0-29), the private reflection (30), then 15 case questions (31-45).
    assert "Answer 29" in html
    assert "Answer 45" in html
    assert "Answer 30<" not in html


# --- the trainer's home page --------------------------------------------------------------


def test_the_trainer_home_lists_the_cohorts_trained_with_a_link_to_their_worksheets(
    cohort, other_cohort, trainer
):
    request = RequestFactory().get("/")
    request.user = trainer
    html = render_to_string(
        "lms/home/trainer.html",
        {"trainer_cohorts": trainer_cohorts(trainer), "programmes": []},
        request=request,
    )
    assert "Kent, spring" in html
    assert reverse("worksheets:grid", args=[cohort.pk]) in html
    assert "Lille, spring" not in html
    assert reverse("worksheets:grid", args=[other_cohort.pk]) not in html


def test_the_trainer_home_shows_no_cohort_section_without_cohorts(trainer):
    request = RequestFactory().get("/")
    request.user = trainer
    html = render_to_string(
        "lms/home/trainer.html", {"trainer_cohorts": [], "programmes": []}, request=request
    )
    assert "Your groups" not in html
    assert "Your sessions" in html
