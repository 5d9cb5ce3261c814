"""Taking and marking quizzes through ``assessments.quizzes``: every question type, which
attempt counts, deadlines, double submits and what is refused."""

# The fixtures imported from conftest_quizzes are test arguments by design.
# ruff: noqa: F811

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import quizzes as service
from assessments.admin.quizzes import QuizForm
from assessments.models import Quiz, QuizAnswer, QuizAttempt, QuizResult
from tests.factories import make_scheduled_session
from training.models import Enrolment
from training.signals import progress_inputs_changed

from .conftest_quizzes import (  # noqa: F401 - fixtures
    ALL_RIGHT,
    QUESTIONS,
    automatic_only,
    enrolment,
    make_quiz,
    meeting,
    other_enrolment,
    quiz,
    quiz_session,
)

Status = QuizAttempt.Status


def take(quiz, enrolment, responses, **kwargs):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    attempt.enrolment = enrolment
    return service.submit_attempt(attempt=attempt, responses=responses, **kwargs).attempt


def answer(attempt, question_id):
    return QuizAnswer.objects.get(attempt=attempt, question_id=question_id)


# --- marking each kind of question ------------------------------------------------------------


@pytest.mark.django_db
def test_a_snapshot_keeps_ids_points_and_shuffles_only_matching_options(quiz):
    questions = service.snapshot_questions(quiz)
    assert [q["id"] for q in questions] == ["q-single", "q-multi", "q-tf", "q-match", "q-short"]
    assert [c["id"] for c in questions[0]["choices"]] == ["s-right", "s-wrong"]
    assert sorted(questions[3]["options"]) == ["Say it is private", "Tell the supervisor"]
    assert sum(q["points"] for q in questions) == 7


@pytest.mark.parametrize(
    ("question_id", "response", "points", "correct"),
    [
        ("q-single", "s-right", "1", True),
        ("q-single", "s-wrong", "0", False),
        ("q-single", None, "0", False),
        ("q-multi", ["m-a", "m-b"], "1", True),
        ("q-multi", ["m-a"], "0", False),  # a right answer missing: no points
        ("q-multi", ["m-a", "m-b", "m-c"], "0", False),  # a wrong one ticked too: no points
        ("q-tf", "false", "1", True),
        ("q-tf", "true", "0", False),
        ("q-match", {"p-1": "Tell the supervisor", "p-2": "Say it is private"}, "2", True),
        ("q-match", {"p-1": "Tell the supervisor", "p-2": "Tell the supervisor"}, "1", False),
        ("q-match", {"p-1": "Say it is private"}, "0", False),
    ],
)
def test_every_automatic_question_type_is_marked(quiz, question_id, response, points, correct):
    question = next(q for q in service.snapshot_questions(quiz) if q["id"] == question_id)
    assert service.mark_question(question, response) == (Decimal(points), correct)


def test_short_answers_wait_for_the_trainer(quiz):
    question = service.snapshot_questions(quiz)[-1]
    assert service.mark_question(question, "Trust") == (None, None)


def test_all_right_except_the_short_answer_waits_then_passes_when_marked(quiz, enrolment, trainer):
    attempt = take(quiz, enrolment, ALL_RIGHT)
    assert attempt.status == Status.NEEDS_MARKING
    assert attempt.score is None and attempt.passed is None
    assert attempt.max_score == 7
    result = QuizResult.objects.get(quiz=quiz, enrolment=enrolment)
    assert result.attempts == 1 and result.percent is None and result.passed is False

    short = answer(attempt, "q-short")
    marked = service.mark_answer(
        answer_id=short.pk, points="1.5", feedback="Good: say more about trust.", marker=trainer
    )
    assert marked.status == Status.MARKED
    assert marked.score == Decimal("6.5") and marked.passed is True
    short.refresh_from_db()
    assert short.points == Decimal("1.5") and short.correct is False
    assert short.feedback == "Good: say more about trust." and short.marked_by == trainer
    result.refresh_from_db()
    assert result.percent == 93 and result.passed is True
    assert result.counted_attempt_id == attempt.pk


def test_a_quiz_without_short_answers_is_marked_at_once(enrolment, cohort, programme):
    from tests.factories import activity, make_session

    quiz = make_quiz(automatic_only(), title="Auto")
    make_session(programme, number=2, activities=[activity(quiz=quiz.pk)])
    attempt = take(quiz, enrolment, {"q-single": "s-right", "q-multi": ["m-a"], "q-tf": "false"})
    assert attempt.status == Status.MARKED
    # 1 + 0 + 1 + 0 (matching not answered) = 2 of 5: 40%, under the pass mark of 70.
    assert attempt.score == 2 and attempt.max_score == 5 and attempt.passed is False
    assert service.score_words(attempt) == "You got 2 of 5. You did not pass this time."
    assert answer(attempt, "q-match").points == 0


def test_an_empty_short_answer_gets_no_points_and_needs_no_marking(quiz, enrolment):
    responses = {**ALL_RIGHT, "q-short": "   "}
    attempt = take(quiz, enrolment, responses)
    assert attempt.status == Status.MARKED
    # 5 of 7 is 71.4%, over the pass mark of 70.
    assert attempt.score == 5 and attempt.passed is True
    assert answer(attempt, "q-short").points == 0


def test_pass_mark_is_compared_with_the_exact_percentage(quiz, enrolment):
    quiz.pass_percent = 72
    quiz.save()
    attempt = take(quiz, enrolment, {**ALL_RIGHT, "q-short": ""})
    assert attempt.score == 5 and attempt.passed is False  # 71.4% < 72%


# --- marking short answers --------------------------------------------------------------------


def test_the_trainer_cannot_give_more_points_than_the_question_has(quiz, enrolment, trainer):
    attempt = take(quiz, enrolment, ALL_RIGHT)
    short = answer(attempt, "q-short")
    for points in ("3", "-1", "lots"):
        with pytest.raises(ValidationError):
            service.mark_answer(answer_id=short.pk, points=points, feedback="", marker=trainer)
    short.refresh_from_db()
    assert short.points is None
    assert QuizAttempt.objects.get(pk=attempt.pk).status == Status.NEEDS_MARKING


def test_only_short_answers_of_handed_in_attempts_are_marked_by_hand(quiz, enrolment, trainer):
    attempt = take(quiz, enrolment, ALL_RIGHT)
    with pytest.raises(ValidationError):
        service.mark_answer(
            answer_id=answer(attempt, "q-single").pk, points=0, feedback="", marker=trainer
        )
    second = service.start_attempt(enrolment=enrolment, quiz=quiz)
    second.enrolment = enrolment
    service.save_answers(attempt=second, responses={"q-short": "Draft"})
    with pytest.raises(ValidationError):
        service.mark_answer(
            answer_id=answer(second, "q-short").pk, points=1, feedback="", marker=trainer
        )


# --- attempts and the counted result ----------------------------------------------------------


WEAK = {"q-single": "s-wrong", "q-tf": "true", "q-short": ""}  # 0 of 7
MIDDLE = {"q-single": "s-right", "q-tf": "false", "q-multi": ["m-a", "m-b"], "q-short": ""}  # 3/7
STRONG = {**ALL_RIGHT, "q-short": ""}  # 5 of 7


@pytest.mark.parametrize(
    ("counted", "expected_number", "expected_percent"),
    [
        (Quiz.CountedAttempt.BEST, 2, 71),
        (Quiz.CountedAttempt.FIRST, 1, 43),
        (Quiz.CountedAttempt.LAST, 3, 0),
    ],
)
def test_which_attempt_counts(quiz, enrolment, counted, expected_number, expected_percent):
    quiz.counted_attempt = counted
    quiz.save()
    for responses in (MIDDLE, STRONG, WEAK):
        take(quiz, enrolment, responses)
    result = QuizResult.objects.get(quiz=quiz, enrolment=enrolment)
    assert result.attempts == 3
    assert result.counted_attempt.number == expected_number
    assert result.percent == expected_percent
    assert result.passed is (expected_percent >= 70)


def test_attempts_are_numbered_and_refused_when_used_up(quiz, enrolment):
    quiz.attempts_allowed = 2
    quiz.save()
    assert take(quiz, enrolment, WEAK).number == 1
    assert take(quiz, enrolment, WEAK).number == 2
    with pytest.raises(ValidationError, match="used all 2 attempts"):
        service.start_attempt(enrolment=enrolment, quiz=quiz)
    assert QuizAttempt.objects.filter(quiz=quiz, enrolment=enrolment).count() == 2


def test_unlimited_attempts(quiz, enrolment):
    quiz.attempts_allowed = 0
    quiz.save()
    for _i in range(5):
        take(quiz, enrolment, WEAK)
    assert service.attempts_left(quiz, 5) is None
    assert QuizResult.objects.get(quiz=quiz, enrolment=enrolment).attempts == 5


def test_starting_again_continues_the_attempt_in_progress(quiz, enrolment):
    first = service.start_attempt(enrolment=enrolment, quiz=quiz)
    again = service.start_attempt(enrolment=enrolment, quiz=quiz)
    assert first.pk == again.pk
    assert QuizAttempt.objects.filter(quiz=quiz, enrolment=enrolment).count() == 1


def test_an_edit_to_the_quiz_does_not_change_an_attempt_in_progress(quiz, enrolment):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    quiz.questions = QUESTIONS[:1]
    quiz.save()
    attempt.enrolment = enrolment
    done = service.submit_attempt(attempt=attempt, responses=STRONG).attempt
    assert done.max_score == 7 and done.score == 5


# --- saving answers ---------------------------------------------------------------------------


def test_answers_are_saved_and_replaced(quiz, enrolment):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    attempt.enrolment = enrolment
    service.save_answers(attempt=attempt, responses={"q-single": "s-wrong", "q-short": "First"})
    service.save_answers(attempt=attempt, responses={"q-single": "s-right"})
    saved = {a.question_id: a.response for a in attempt.answers.all()}
    assert saved == {"q-single": "s-right", "q-short": "First"}


@pytest.mark.parametrize(
    "responses",
    [
        {"q-single": "no-such-choice"},
        {"q-multi": ["m-a", "forged"]},
        {"q-tf": "maybe"},
        {"q-match": {"p-1": "Not an option"}},
        {"q-match": {"p-9": "Tell the supervisor"}},
        {"q-unknown": "x"},
        {"q-short": "x" * (service.SHORT_ANSWER_MAX_LENGTH + 1)},
    ],
)
def test_a_response_that_does_not_fit_refuses_the_whole_save(quiz, enrolment, responses):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    attempt.enrolment = enrolment
    with pytest.raises(ValidationError):
        service.save_answers(attempt=attempt, responses={"q-short": "Kept?", **responses})
    assert not QuizAnswer.objects.filter(attempt=attempt).exists()


# --- double submit ----------------------------------------------------------------------------


def test_a_second_submit_changes_nothing(quiz, enrolment, django_capture_on_commit_callbacks):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    attempt.enrolment = enrolment
    first = service.submit_attempt(attempt=attempt, responses=STRONG)
    submitted_at = QuizAttempt.objects.get(pk=attempt.pk).submitted_at
    second = service.submit_attempt(attempt=attempt, responses=WEAK)
    assert first.already is False and second.already is True
    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.score == 5 and stored.submitted_at == submitted_at
    assert answer(stored, "q-single").response == "s-right"
    with pytest.raises(ValidationError, match="already handed in"):
        service.save_answers(attempt=attempt, responses={"q-single": "s-wrong"})


# --- deadline and who may answer --------------------------------------------------------------


def test_the_quiz_closes_at_the_end_of_the_day_n_days_after_the_session(
    quiz, enrolment, cohort, quiz_session
):
    quiz.closes_days_after_session = 3
    quiz.save()
    starts = timezone.make_aware(datetime.datetime(2030, 3, 4, 10, 0))
    make_scheduled_session(cohort, quiz_session, starts_at=starts)
    closing = service.closes_at(quiz, enrolment)
    assert timezone.localtime(closing) == timezone.make_aware(datetime.datetime(2030, 3, 8, 0, 0))
    assert "7 March 2030" in service.deadline_words(closing)


def test_no_meeting_or_no_days_means_no_deadline(quiz, enrolment, meeting):
    assert service.closes_at(quiz, enrolment) is None  # no days set
    quiz.closes_days_after_session = 1
    quiz.save()
    meeting.delete()
    assert service.closes_at(quiz, enrolment) is None


def test_answers_after_the_deadline_are_refused_and_nothing_is_stored(
    quiz, enrolment, cohort, quiz_session
):
    quiz.closes_days_after_session = 1
    quiz.save()
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)  # no meeting yet: open
    attempt.enrolment = enrolment
    make_scheduled_session(cohort, quiz_session, days_from_now=-3)
    with pytest.raises(ValidationError, match="closed on"):
        service.save_answers(attempt=attempt, responses={"q-short": "Late"})
    with pytest.raises(ValidationError, match="closed on"):
        service.submit_attempt(attempt=attempt, responses=STRONG)
    with pytest.raises(ValidationError, match="closed on"):
        service.start_attempt(enrolment=enrolment, quiz=quiz)
    assert not QuizAnswer.objects.exists()
    assert QuizAttempt.objects.get(pk=attempt.pk).status == Status.IN_PROGRESS
    assert not QuizResult.objects.exists()


def test_the_quiz_is_still_open_on_its_last_day(quiz, enrolment, cohort, quiz_session):
    quiz.closes_days_after_session = 2
    quiz.save()
    make_scheduled_session(cohort, quiz_session, days_from_now=-2)
    assert take(quiz, enrolment, STRONG).status == Status.MARKED


def test_a_withdrawn_trainee_cannot_start_or_answer(quiz, enrolment):
    attempt = service.start_attempt(enrolment=enrolment, quiz=quiz)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    enrolment.refresh_from_db()
    attempt.enrolment = enrolment
    with pytest.raises(PermissionDenied):
        service.start_attempt(enrolment=enrolment, quiz=quiz)
    with pytest.raises(PermissionDenied):
        service.save_answers(attempt=attempt, responses={"q-short": "x"})
    with pytest.raises(PermissionDenied):
        service.submit_attempt(attempt=attempt, responses=STRONG)
    assert not QuizAnswer.objects.exists()


# --- completion is told -----------------------------------------------------------------------


def test_progress_is_recomputed_after_a_result_changes(
    quiz, enrolment, trainer, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, enrolment_ids, **kwargs):
        received.append(list(enrolment_ids))

    progress_inputs_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            attempt = take(quiz, enrolment, ALL_RIGHT)
        assert received == [[enrolment.pk]]
        with django_capture_on_commit_callbacks(execute=True):
            service.mark_answer(
                answer_id=answer(attempt, "q-short").pk, points=2, feedback="", marker=trainer
            )
        assert received == [[enrolment.pk], [enrolment.pk]]
        # A second submit changes no result: nothing to recompute.
        with django_capture_on_commit_callbacks(execute=True):
            service.submit_attempt(attempt=attempt)
        assert len(received) == 2
    finally:
        progress_inputs_changed.disconnect(listener)


# --- the admin form ---------------------------------------------------------------------------


def _form_problems(questions):
    return service.question_problems(questions)


def test_a_single_choice_question_needs_exactly_one_right_answer():
    def single(*flags):
        choices = [{"text": f"C{i}", "correct": f, "feedback": ""} for i, f in enumerate(flags)]
        return [
            {"type": "single_choice", "value": {"question": "Q", "points": 1, "choices": choices}}
        ]

    assert _form_problems(single(True, False)) == []
    assert len(_form_problems(single(False, False))) == 1
    assert len(_form_problems(single(True, True))) == 1


def test_multiple_choice_needs_a_right_answer_and_matching_two_pairs():
    multiple = {
        "type": "multiple_choice",
        "value": {"question": "Q", "points": 1, "choices": [{"text": "A", "correct": False}]},
    }
    matching = {
        "type": "matching",
        "value": {"question": "Q", "points": 1, "pairs": [{"left": "a", "right": "b"}]},
    }
    problems = _form_problems([QUESTIONS[0], multiple, matching])
    assert [index for index, _message in problems] == [1, 2]


def test_the_admin_form_refuses_a_quiz_nobody_can_answer_rightly(db):
    form_class = Quiz.snippet_viewset.get_edit_handler().get_form_class()
    assert issubclass(form_class, QuizForm)
    broken = [dict(QUESTIONS[0])]
    broken[0] = {
        **QUESTIONS[0],
        "value": {
            **QUESTIONS[0]["value"],
            "choices": [
                {"type": "item", "id": c["id"], "value": {**c["value"], "correct": False}}
                for c in QUESTIONS[0]["value"]["choices"]
            ],
        },
    }
    form = form_class(instance=Quiz())
    form.cleaned_data = {
        "questions": Quiz._meta.get_field("questions").stream_block.to_python(broken)
    }
    form._errors = {}
    form.clean()
    assert "questions" in form._errors
    good = form_class(instance=Quiz())
    good.cleaned_data = {
        "questions": Quiz._meta.get_field("questions").stream_block.to_python(QUESTIONS)
    }
    good._errors = {}
    good.clean()
    assert good._errors == {}
