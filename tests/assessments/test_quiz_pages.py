"""The quiz pages: a trainee takes a quiz and reads the result, a trainer follows the cohort
and marks short answers; who may open what; queries that do not grow with the cohort."""

# The fixtures imported from conftest_quizzes are test arguments by design.
# ruff: noqa: F811

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from assessments import quizzes as service
from assessments.models import Quiz, QuizAnswer, QuizAttempt, QuizResult
from tests.factories import activity, make_scheduled_session, make_session
from training.models import Enrolment

from .conftest_quizzes import (  # noqa: F401 - fixtures
    ALL_RIGHT,
    add_trainees,
    automatic_only,
    enrolment,
    make_quiz,
    meeting,
    other_enrolment,
    quiz,
    quiz_session,
)

Status = QuizAttempt.Status


def quiz_url(enrolment, quiz):
    return reverse("assessments:quiz", args=[enrolment.pk, quiz.pk])


def attempt_url(enrolment, quiz, number=1):
    return reverse("assessments:quiz_attempt", args=[enrolment.pk, quiz.pk, number])


def form_data(responses):
    """The fields the attempt form posts for these responses."""
    data = {}
    for question_id, response in responses.items():
        name = f"q-{question_id}"
        if isinstance(response, dict):
            for pair_id, chosen in response.items():
                data[f"{name}-{pair_id}"] = chosen
        else:
            data[name] = response
    return data


def handed_in(quiz, enrolment, responses=ALL_RIGHT):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    attempt.enrolment = enrolment
    return service.submit_attempt(attempt=attempt, responses=responses).attempt


# --- the trainee takes the quiz ---------------------------------------------------------------


def test_the_quiz_page_says_what_to_expect(as_user, trainee, enrolment, quiz, meeting):
    quiz.introduction = "Five short questions about privacy."
    quiz.closes_days_after_session = 7
    quiz.save()
    html = as_user(trainee).get(quiz_url(enrolment, quiz)).content.decode()
    assert "Five short questions about privacy." in html
    assert "5 questions." in html
    assert "You have 3 attempts left." in html
    assert "You can answer until the end of" in html
    assert "Start the quiz" in html


def test_a_trainee_starts_answers_and_hands_in(as_user, trainee, enrolment, quiz):
    client = as_user(trainee)
    response = client.post(reverse("assessments:quiz_start", args=[enrolment.pk, quiz.pk]))
    assert response.status_code == 302 and response.url == attempt_url(enrolment, quiz)
    page = client.get(response.url).content.decode()
    assert "Who may hear what someone told you?" in page
    assert 'name="q-q-match-p-1"' in page and "<select" in page
    assert 'type="checkbox" name="q-q-multi"' in page

    response = client.post(attempt_url(enrolment, quiz), {**form_data(ALL_RIGHT), "hand_in": "1"})
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(enrolment=enrolment, quiz=quiz)
    assert attempt.status == Status.NEEDS_MARKING
    result = client.get(response.url).content.decode()
    assert "You got 5 of 7 so far." in result
    assert "Waiting for your trainer to mark it" in result
    assert "Yes, it is theirs." in result  # feedback on the chosen answer
    assert "Because people trust us." in result


def test_the_result_says_the_score_in_words(as_user, trainee, enrolment, programme):
    quiz = make_quiz(automatic_only(), title="Auto")
    make_session(programme, number=2, activities=[activity(quiz=quiz.pk)])
    handed_in(quiz, enrolment, {"q-single": "s-wrong", "q-multi": ["m-a", "m-b"], "q-tf": "false"})
    html = as_user(trainee).get(attempt_url(enrolment, quiz)).content.decode()
    assert "You got 2 of 5. You did not pass this time." in html
    assert "They could guess who it is." in html  # feedback on the wrong choice
    assert "right answer" in html  # the right choice is shown
    assert "Right: others may hear." in html


def test_no_feedback_when_the_quiz_hides_it(as_user, trainee, enrolment, quiz):
    quiz.show_feedback = False
    quiz.save()
    handed_in(quiz, enrolment)
    html = as_user(trainee).get(attempt_url(enrolment, quiz)).content.decode()
    assert "Yes, it is theirs." not in html
    assert 'class="tag">right answer' not in html
    assert "does not show the right answers" in html


def test_saving_keeps_the_answers_and_a_refused_post_keeps_what_was_typed(
    as_user, trainee, enrolment, quiz
):
    client = as_user(trainee)
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    response = client.post(
        attempt_url(enrolment, quiz), {"q-q-short": "My first thoughts", "save": "1"}
    )
    assert response.status_code == 302
    assert "My first thoughts" in client.get(attempt_url(enrolment, quiz)).content.decode()

    response = client.post(
        attempt_url(enrolment, quiz),
        {"q-q-short": "Longer thoughts now", "q-q-single": "forged", "hand_in": "1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "did not fit its question" in html
    assert "Longer thoughts now" in html  # still in its box
    stored = QuizAnswer.objects.get(attempt__enrolment=enrolment, question_id="q-short")
    assert stored.response == "My first thoughts"  # nothing partial saved
    assert QuizAttempt.objects.get(enrolment=enrolment).status == Status.IN_PROGRESS


def test_unticking_every_box_is_saved(as_user, trainee, enrolment, quiz):
    client = as_user(trainee)
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    client.post(attempt_url(enrolment, quiz), {"q-q-multi": ["m-a"], "save": "1"})
    client.post(attempt_url(enrolment, quiz), {"q-q-multi-present": "1", "save": "1"})
    assert QuizAnswer.objects.get(question_id="q-multi").response is None


def test_a_second_hand_in_changes_nothing(as_user, trainee, enrolment, quiz):
    client = as_user(trainee)
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    client.post(attempt_url(enrolment, quiz), {**form_data(ALL_RIGHT), "hand_in": "1"})
    submitted = QuizAttempt.objects.get(enrolment=enrolment).submitted_at
    response = client.post(
        attempt_url(enrolment, quiz), {"q-q-single": "s-wrong", "hand_in": "1"}, follow=True
    )
    assert "already handed in" in response.content.decode()
    attempt = QuizAttempt.objects.get(enrolment=enrolment)
    assert attempt.submitted_at == submitted
    assert QuizAnswer.objects.get(attempt=attempt, question_id="q-single").response == "s-right"


def test_after_the_deadline_the_answers_are_refused_and_nothing_is_stored(
    as_user, trainee, enrolment, quiz, cohort, quiz_session
):
    client = as_user(trainee)
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    quiz.closes_days_after_session = 1
    quiz.save()
    make_scheduled_session(cohort, quiz_session, days_from_now=-5)
    assert "This quiz is closed" in client.get(quiz_url(enrolment, quiz)).content.decode()
    response = client.post(attempt_url(enrolment, quiz), {**form_data(ALL_RIGHT), "hand_in": "1"})
    assert response.status_code == 400
    assert "This quiz closed on" in response.content.decode()
    assert not QuizAnswer.objects.exists()
    assert QuizAttempt.objects.get(enrolment=enrolment).status == Status.IN_PROGRESS
    response = client.post(reverse("assessments:quiz_start", args=[enrolment.pk, quiz.pk]))
    assert QuizAttempt.objects.count() == 1


# --- autosave ---------------------------------------------------------------------------------


def autosave_url(enrolment, quiz, number=1):
    return reverse("assessments:quiz_autosave", args=[enrolment.pk, quiz.pk, number])


def test_autosave_checks_the_csrf_header_and_saves(trainee, enrolment, quiz):
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee)
    client.get(attempt_url(enrolment, quiz))
    token = client.cookies["csrftoken"].value
    refused = client.post(autosave_url(enrolment, quiz), {"q-q-short": "No token"})
    assert refused.status_code == 403
    response = client.post(
        autosave_url(enrolment, quiz), {"q-q-short": "With token"}, HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200 and json.loads(response.content)["saved"] == 1
    assert QuizAnswer.objects.get(question_id="q-short").response == "With token"


def test_autosave_after_the_login_expired_answers_401_and_stores_nothing(
    client, trainee, enrolment, quiz
):
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    response = client.post(autosave_url(enrolment, quiz), {"q-q-short": "Keep me"})
    assert response.status_code == 401
    assert json.loads(response.content)["error"] == "login"
    assert not QuizAnswer.objects.exists()


def test_autosave_refuses_a_bad_answer_with_a_message(as_user, trainee, enrolment, quiz):
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    response = as_user(trainee).post(autosave_url(enrolment, quiz), {"q-q-tf": "perhaps"})
    assert response.status_code == 400
    assert "did not fit" in json.loads(response.content)["error"]


# --- who may open what ------------------------------------------------------------------------


def test_trainee_pages_belong_to_their_trainee(
    as_user, other_trainee, trainee, enrolment, quiz, client
):
    service.start_attempt(enrolment=enrolment, quiz=quiz)
    intruder = as_user(other_trainee)
    for url in (quiz_url(enrolment, quiz), attempt_url(enrolment, quiz)):
        assert intruder.get(url).status_code == 404
    assert intruder.post(autosave_url(enrolment, quiz), {"q-q-short": "x"}).status_code == 404
    start = reverse("assessments:quiz_start", args=[enrolment.pk, quiz.pk])
    assert intruder.post(start).status_code == 404
    assert QuizAttempt.objects.count() == 1
    client.logout()
    assert client.get(quiz_url(enrolment, quiz)).status_code == 302  # to the login page


def test_a_quiz_outside_the_programme_is_not_found(as_user, trainee, enrolment):
    elsewhere = make_quiz(title="Not in this programme")
    assert as_user(trainee).get(quiz_url(enrolment, elsewhere)).status_code == 404


def test_a_withdrawn_trainee_reads_but_cannot_start(as_user, trainee, enrolment, quiz):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    client = as_user(trainee)
    assert "no longer taking part" in client.get(quiz_url(enrolment, quiz)).content.decode()
    response = client.post(
        reverse("assessments:quiz_start", args=[enrolment.pk, quiz.pk]), follow=True
    )
    assert "no longer taking part" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def overview_url(cohort, quiz):
    return reverse("assessments:quiz_overview", args=[cohort.pk, quiz.pk])


def marking_url(cohort, quiz):
    return reverse("assessments:quiz_marking", args=[cohort.pk, quiz.pk])


def test_staff_pages_are_for_the_cohorts_staff_only(
    as_user, trainer, manager, other_org_trainer, trainee, cohort, quiz, enrolment, other_cohort
):
    # The overview shows no trainee's own words: the cohort's staff open it. The marking
    # page shows written answers: the cohort's trainers only (test_quiz_written_answers).
    for person, overview, marking in (
        (trainer, 200, 200),
        (manager, 200, 403),
        (other_org_trainer, 403, 403),
        (trainee, 403, 403),
    ):
        client = as_user(person)
        assert client.get(overview_url(cohort, quiz)).status_code == overview, person
        assert client.get(marking_url(cohort, quiz)).status_code == marking, person
    elsewhere = make_quiz(title="Elsewhere")
    assert as_user(trainer).get(overview_url(cohort, elsewhere)).status_code == 404


def test_another_organisation_cannot_mark_or_see_our_answers(
    as_user, other_org_trainer, other_cohort, trainer, cohort, enrolment, quiz
):
    attempt = handed_in(quiz, enrolment)
    short = QuizAnswer.objects.get(attempt=attempt, question_id="q-short")
    client = as_user(other_org_trainer)
    # Their own cohort's address, our answer's id: not found there.
    response = client.post(marking_url(other_cohort, quiz), {"answer": short.pk, "points": "2"})
    assert response.status_code == 404
    assert client.get(overview_url(other_cohort, quiz)).status_code == 200
    assert (
        "Because people trust us."
        not in client.get(marking_url(other_cohort, quiz)).content.decode()
    )
    short.refresh_from_db()
    assert short.points is None


# --- the trainer follows and marks ------------------------------------------------------------


def test_the_overview_shows_who_took_it_and_what_waits(
    as_user, trainer, cohort, quiz, enrolment, other_enrolment, programme
):
    handed_in(quiz, enrolment)
    html = as_user(trainer).get(overview_url(cohort, quiz)).content.decode()
    assert "1 trainee has handed it in" in html
    assert "1 answer to mark" in html
    assert "Not taken yet" in html  # other_trainee
    # Nothing written: marked at once, 5 of 7 points.
    handed_in(quiz, other_enrolment, {**ALL_RIGHT, "q-short": ""})
    html = as_user(trainer).get(overview_url(cohort, quiz)).content.decode()
    assert "2 trainees have handed it in, 1 passed" in html
    assert "71%" in html and "✓ Passed" in html


def test_the_trainer_marks_a_short_answer_and_the_result_passes(
    as_user, trainer, cohort, quiz, enrolment
):
    attempt = handed_in(quiz, enrolment)
    short = QuizAnswer.objects.get(attempt=attempt, question_id="q-short")
    client = as_user(trainer)
    html = client.get(marking_url(cohort, quiz)).content.decode()
    assert "Because people trust us." in html and "Trust." in html  # answer and guidance
    assert "1 answer waits for marking." in html

    bad = client.post(marking_url(cohort, quiz), {"answer": short.pk, "points": "5"})
    assert bad.status_code == 400 and "between 0 and 2" in bad.content.decode()
    short.refresh_from_db()
    assert short.points is None

    response = client.post(
        marking_url(cohort, quiz), {"answer": short.pk, "points": "2", "feedback": "Well put."}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Status.MARKED and attempt.passed is True
    assert QuizResult.objects.get(enrolment=enrolment).passed is True
    assert "Nothing waits for marking" in client.get(marking_url(cohort, quiz)).content.decode()


def test_the_cohort_page_links_each_quiz_and_counts_answers_to_mark(
    as_user, trainer, cohort, quiz, enrolment
):
    handed_in(quiz, enrolment)
    html = as_user(trainer).get(reverse("training:cohort", args=[cohort.pk])).content.decode()
    if "cohort-quizzes" not in html:
        pytest.skip("the cohort page shows assessment partials only with export links")
    assert overview_url(cohort, quiz) in html
    assert "1 answer to mark" in html


# --- the trainee home and the session page ----------------------------------------------------


def test_the_trainee_home_sorts_quizzes(as_user, trainee, enrolment, quiz, programme, trainer):
    passed_quiz = make_quiz(automatic_only(), title="Already passed")
    waiting_quiz = make_quiz(title="Waiting one")
    make_session(
        programme,
        number=2,
        activities=[activity(quiz=passed_quiz.pk), activity("Other", quiz=waiting_quiz.pk)],
    )
    handed_in(passed_quiz, enrolment, {k: v for k, v in ALL_RIGHT.items() if k != "q-short"})
    handed_in(waiting_quiz, enrolment)
    html = as_user(trainee).get("/").content.decode()
    to_take = html.split('id="quizzes-to-take"')[1].split("</ul>")[0]
    waiting = html.split('id="quizzes-waiting"')[1].split("</ul>")[0]
    passed = html.split('id="quizzes-passed"')[1].split("</ul>")[0]
    assert "Confidentiality check" in to_take and "Not started" in to_take
    assert "Waiting one" in waiting
    assert "Already passed" in passed and "100%" in passed


def test_the_session_page_lists_what_to_do_online(as_user, trainee, enrolment, quiz, quiz_session):
    html = as_user(trainee).get(quiz_session.url).content.decode()
    assert "To do online" in html
    assert quiz_url(enrolment, quiz) in html
    assert "Confidentiality check" in html


def test_the_session_page_lists_nothing_for_someone_not_enrolled(
    as_user, other_org_trainer, quiz_session, quiz, enrolment
):
    from lms.roles import Role
    from tests.factories import UserFactory

    outsider = UserFactory(roles=[Role.TRAINEE])
    html = as_user(outsider).get(quiz_session.url).content.decode()
    assert "To do online" not in html


# --- queries do not grow with the cohort ------------------------------------------------------


def count(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", ["overview", "marking", "cohort"])
def test_trainer_pages_take_the_same_queries_for_3_and_30_trainees(
    as_user, trainer, cohort, quiz, enrolment, django_assert_max_num_queries, page
):
    def url():
        return {
            "overview": overview_url(cohort, quiz),
            "marking": marking_url(cohort, quiz),
            "cohort": reverse("training:cohort", args=[cohort.pk]),
        }[page]

    # Our own pages at their measured count; the shared cohort page with room for others.
    # The overview asks once more whether the visitor trains the cohort (to offer marking).
    limit = {"overview": 14, "marking": 11, "cohort": 24}[page]
    client = as_user(trainer)
    for extra in add_trainees(cohort, 1):
        handed_in(quiz, extra)
    small = count(client, url(), django_assert_max_num_queries, limit)
    for extra in add_trainees(cohort, 27):
        handed_in(quiz, extra)
    large = count(client, url(), django_assert_max_num_queries, limit)
    assert small == large


@pytest.mark.parametrize("page", ["home", "session", "quiz", "result"])
def test_trainee_pages_take_the_same_queries_for_3_and_30_trainees(
    as_user, trainee, cohort, quiz, quiz_session, enrolment, django_assert_max_num_queries, page
):
    attempt = handed_in(quiz, enrolment)
    urls = {
        "home": "/",
        "session": quiz_session.url,
        "quiz": quiz_url(enrolment, quiz),
        "result": attempt_url(enrolment, quiz, attempt.number),
    }
    # Our own pages at their measured count; shared pages with room for other partials.
    limit = {"home": 36, "session": 24, "quiz": 11, "result": 11}[page]
    client = as_user(trainee)
    for extra in add_trainees(cohort, 1):
        handed_in(quiz, extra)
    small = count(client, urls[page], django_assert_max_num_queries, limit)
    for extra in add_trainees(cohort, 27):
        handed_in(quiz, extra)
    large = count(client, urls[page], django_assert_max_num_queries, limit)
    assert small == large


# --- the admin --------------------------------------------------------------------------------


def test_the_admin_lists_inspects_and_edits_quizzes(client, quiz, quiz_session):
    admin = User.objects.create_superuser("boss", "boss@example.org", "pw")
    client.force_login(admin)
    viewset = Quiz.snippet_viewset
    listing = client.get(reverse(viewset.get_url_name("list"))).content.decode()
    assert "Confidentiality check" in listing and "No limit" not in listing
    for name in ("inspect", "edit"):
        url = reverse(viewset.get_url_name(name), args=[quiz.pk])
        assert client.get(url).status_code == 200, name
    assert client.get(reverse(viewset.get_url_name("add"))).status_code == 200


def test_the_overview_links_each_trainees_answer_to_mark(
    as_user, trainer, cohort, quiz, enrolment, other_enrolment
):
    handed_in(quiz, enrolment)
    other = handed_in(
        quiz, other_enrolment, {**ALL_RIGHT, "q-short": "Words of the second trainee"}
    )
    client = as_user(trainer)
    overview = client.get(overview_url(cohort, quiz)).content.decode()
    link = f"{marking_url(cohort, quiz)}?enrolment={other_enrolment.pk}"
    assert link in overview
    html = client.get(link).content.decode()
    assert "Words of the second trainee" in html and "Because people trust us." not in html
    assert "2 answers wait for marking." in html
    assert other.status == Status.NEEDS_MARKING
