"""Quizzes: taking, marking and counting them.

Every change goes through these functions so the rules live in one place:

- ``start_attempt`` copies the quiz's questions into the attempt (an editor may change the
  quiz later; an attempt is always marked against what the trainee saw).
- ``save_answers`` stores answers while an attempt is in progress (autosave sends a few at a
  time; a form post sends them all).
- ``submit_attempt`` marks every question a machine can mark. Short answers wait for the
  trainer (``mark_answer``); the attempt has no score until the last one is marked.
- ``update_result`` keeps the one ``QuizResult`` row per trainee and quiz that completion and
  the trainer's overview read.

Marking rules, so trainers can explain a score:

- single choice and true/false: all the points for the right answer, none otherwise;
- multiple choice: all the points only when exactly the right answers are ticked, none
  otherwise (a partly right set is still a wrong answer);
- matching: points in proportion to the pairs matched rightly (3 of 4 pairs right on a
  2-point question gives 1.5 points), because matching most pairs shows real knowledge;
- short answer: the trainer gives 0 up to the question's points, with feedback.

Which attempt counts (``Quiz.counted_attempt``): "best" is the best marked attempt;
"first" and "last" are the first and last attempts handed in, and while that attempt waits
for marking the result has no percent yet and does not count as passed.

A quiz closes ``closes_days_after_session`` days after the day of the cohort's meeting of
the session plan that places the quiz, at the end of that day. With no such meeting on the
calendar, or no number of days, the quiz stays open.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from curriculum.selectors import activity_references, programme_uses
from training.access import trains
from training.models import Enrolment, ScheduledSession
from training.signals import progress_inputs_changed

from .models import Quiz, QuizAnswer, QuizAttempt, QuizResult

SINGLE = "single_choice"
MULTIPLE = "multiple_choice"
TRUE_FALSE = "true_false"
MATCHING = "matching"
SHORT = "short_answer"
AUTOMATIC = (SINGLE, MULTIPLE, TRUE_FALSE, MATCHING)
SHORT_ANSWER_MAX_LENGTH = 5000
TWO_PLACES = Decimal("0.01")

Status = QuizAttempt.Status


# --- where quizzes are used -----------------------------------------------------------------


def _activity_quiz_ids(session):
    return activity_references(session, "quiz")


def programme_quizzes(programme):
    """The quizzes a programme's published sessions use, as ``(session, quiz)`` in teaching
    order, each quiz once (with the first session that places it). Two queries."""
    return programme_uses(programme, "quiz", Quiz)


def session_of_quiz(programme, quiz):
    """The first published session plan of the programme that places ``quiz``, or None."""
    for session, found in programme_quizzes(programme):
        if found.pk == quiz.pk:
            return session
    return None


# --- the questions as the trainee saw them ---------------------------------------------------


def _list_items(raw):
    """``(id, value)`` for a ListBlock's raw data, old (plain list) or new (with ids)."""
    items = []
    for index, item in enumerate(raw or []):
        if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
            items.append((str(item.get("id") or index), item["value"]))
        else:
            items.append((str(index), item))
    return items


def snapshot_questions(quiz, *, rng=None):
    """The quiz's questions as plain data, with the right-hand side of each matching
    question shuffled once, so a reload shows the same order."""
    rng = rng or random.Random()  # noqa: S311 - display order only, nothing secret
    questions = []
    for index, item in enumerate(quiz.questions.raw_data):
        kind, value = item.get("type"), item.get("value") or {}
        question = {
            "id": str(item.get("id") or index),
            "type": kind,
            "question": value.get("question", ""),
            "points": int(value.get("points") or 1),
        }
        if kind in (SINGLE, MULTIPLE):
            question["choices"] = [
                {
                    "id": choice_id,
                    "text": choice.get("text", ""),
                    "correct": bool(choice.get("correct")),
                    "feedback": choice.get("feedback", ""),
                }
                for choice_id, choice in _list_items(value.get("choices"))
            ]
        elif kind == TRUE_FALSE:
            question["true"] = bool(value.get("true"))
            question["feedback_right"] = value.get("feedback_right", "")
            question["feedback_wrong"] = value.get("feedback_wrong", "")
        elif kind == MATCHING:
            pairs = [
                {"id": pair_id, "left": pair.get("left", ""), "right": pair.get("right", "")}
                for pair_id, pair in _list_items(value.get("pairs"))
            ]
            options = sorted({pair["right"] for pair in pairs})
            rng.shuffle(options)
            question["pairs"] = pairs
            question["options"] = options
            question["feedback"] = value.get("feedback", "")
        elif kind == SHORT:
            question["guidance"] = value.get("guidance", "")
        else:
            continue
        questions.append(question)
    return questions


def question_problems(raw_questions):
    """What is wrong with a quiz's questions, as ``[(index, message)]``; empty when fine.
    Used by the admin form: a quiz nobody can answer rightly must not be saved."""
    problems = []
    for index, item in enumerate(raw_questions):
        kind, value = item.get("type"), item.get("value") or {}
        if kind in (SINGLE, MULTIPLE):
            right = sum(1 for _id, c in _list_items(value.get("choices")) if c.get("correct"))
            if kind == SINGLE and right != 1:
                problems.append(
                    (index, _("Tick exactly one right answer for a question with one answer."))
                )
            if kind == MULTIPLE and right < 1:
                problems.append((index, _("Tick at least one right answer.")))
        elif kind == MATCHING:
            pairs = [p for _id, p in _list_items(value.get("pairs"))]
            if len(pairs) < 2:
                problems.append((index, _("A matching question needs at least two pairs.")))
            elif any(not (p.get("left") and p.get("right")) for p in pairs):
                problems.append((index, _("Fill in both sides of every pair.")))
    return problems


# --- deadlines ---------------------------------------------------------------------------------


def closes_at(quiz, enrolment, *, session=None):
    """When answers stop being accepted for this trainee, or None if the quiz stays open."""
    days = quiz.closes_days_after_session
    if days is None:
        return None
    if session is None:
        session = session_of_quiz(enrolment.cohort.programme, quiz)
    if session is None:
        return None
    meeting = (
        ScheduledSession.objects.filter(cohort_id=enrolment.cohort_id, session_plan=session)
        .only("starts_at")
        .first()
    )
    if meeting is None:
        return None
    return closes_at_from(meeting.starts_at, days)


def closes_at_from(starts_at, days):
    """The end of the day ``days`` days after the meeting's day (local time)."""
    last_day = timezone.localdate(starts_at) + datetime.timedelta(days=days + 1)
    return timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.min))


def deadline_words(closing):
    if closing is None:
        return _("There is no closing date.")
    last_day = closing - datetime.timedelta(microseconds=1)
    when = date_format(timezone.localtime(last_day), "l j F Y")
    if closing <= timezone.now():
        return _("This quiz closed on %(date)s.") % {"date": when}
    return _("You can answer until the end of %(date)s.") % {"date": when}


def is_closed(closing, now=None):
    return closing is not None and (now or timezone.now()) >= closing


def _check_may_answer(quiz, enrolment, closing):
    if not enrolment.can_work:
        raise PermissionDenied(
            _("You are no longer taking part in this group, so you cannot answer quizzes.")
        )
    if is_closed(closing):
        raise ValidationError(
            _(
                "This quiz closed on %(date)s. Your answers were not saved. Please talk to "
                "your trainer."
            )
            % {
                "date": date_format(
                    timezone.localtime(closing - datetime.timedelta(microseconds=1)), "j F Y"
                )
            }
        )


# --- attempts ---------------------------------------------------------------------------------


def attempts_left(quiz, used):
    """None means as many as the trainee wants."""
    if not quiz.attempts_allowed:
        return None
    return max(quiz.attempts_allowed - used, 0)


def start_attempt(*, enrolment, quiz, closing=None, check_deadline=True):
    """Continue the attempt in progress, or start the next one. Returns the attempt.

    The enrolment row is locked so that two taps on "Start" cannot both take a number."""
    if check_deadline and closing is None:
        closing = closes_at(quiz, enrolment)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        _check_may_answer(quiz, enrolment, closing if check_deadline else None)
        attempts = list(
            QuizAttempt.objects.filter(quiz=quiz, enrolment=enrolment).only(
                "id", "number", "status"
            )
        )
        open_attempt = next((a for a in attempts if a.status == Status.IN_PROGRESS), None)
        if open_attempt is not None:
            return QuizAttempt.objects.get(pk=open_attempt.pk)
        left = attempts_left(quiz, len(attempts))
        if left == 0:
            raise ValidationError(
                _("You have used all %(count)s attempts at this quiz.")
                % {"count": quiz.attempts_allowed}
            )
        questions = snapshot_questions(quiz)
        return QuizAttempt.objects.create(
            quiz=quiz,
            enrolment=enrolment,
            number=max((a.number for a in attempts), default=0) + 1,
            questions=questions,
            max_score=sum(q["points"] for q in questions),
        )


def clean_response(question, response):
    """The response in its stored form, ``None`` for no answer. ValidationError if it does
    not fit the question (a forged or outdated form)."""
    kind = question["type"]
    invalid = ValidationError(
        _("An answer did not fit its question. Please reload the page and try again.")
    )
    if response in (None, "", [], {}):
        return None
    if kind == SINGLE:
        if response not in {c["id"] for c in question["choices"]}:
            raise invalid
        return response
    if kind == MULTIPLE:
        if isinstance(response, str):
            response = [response]
        ids = {c["id"] for c in question["choices"]}
        if not isinstance(response, list) or not set(response) <= ids:
            raise invalid
        return [c["id"] for c in question["choices"] if c["id"] in set(response)] or None
    if kind == TRUE_FALSE:
        if response not in ("true", "false"):
            raise invalid
        return response
    if kind == MATCHING:
        if not isinstance(response, dict):
            raise invalid
        pair_ids = {p["id"] for p in question["pairs"]}
        options = set(question["options"])
        cleaned = {}
        for pair_id, chosen in response.items():
            if pair_id not in pair_ids or not isinstance(chosen, str):
                raise invalid
            if chosen and chosen not in options:
                raise invalid
            if chosen:
                cleaned[pair_id] = chosen
        return cleaned or None
    if kind == SHORT:
        if not isinstance(response, str):
            raise invalid
        text = response.replace("\r\n", "\n").strip()
        if len(text) > SHORT_ANSWER_MAX_LENGTH:
            raise ValidationError(
                _("An answer is too long: please keep it under %(count)s characters.")
                % {"count": SHORT_ANSWER_MAX_LENGTH}
            )
        return text or None
    raise invalid


def _locked_attempt(attempt_id):
    return QuizAttempt.objects.select_for_update().select_related("quiz").get(pk=attempt_id)


def save_answers(*, attempt, responses, closing=None, check_deadline=True):
    """Store answers (``{question_id: response}``) of an attempt in progress. All or
    nothing: one answer that does not fit refuses the whole save. Returns the number of
    answers written."""
    enrolment = attempt.enrolment
    if check_deadline and closing is None:
        closing = closes_at(attempt.quiz, enrolment)
    if not isinstance(responses, dict):
        raise ValidationError(_("The answers could not be read. Please reload the page."))
    with transaction.atomic():
        locked = _locked_attempt(attempt.pk)
        _check_may_answer(locked.quiz, enrolment, closing if check_deadline else None)
        if locked.status != Status.IN_PROGRESS:
            raise ValidationError(
                _("You have already handed in this attempt, so its answers cannot change.")
            )
        by_id = {q["id"]: q for q in locked.questions}
        cleaned = {}
        for question_id, response in responses.items():
            question = by_id.get(str(question_id))
            if question is None:
                raise ValidationError(
                    _("This quiz has changed since the page was opened. Please reload it.")
                )
            cleaned[question["id"]] = clean_response(question, response)
        existing = {a.question_id: a for a in locked.answers.all()}
        to_create, to_update = [], []
        for question_id, response in cleaned.items():
            answer = existing.get(question_id)
            if answer is None:
                to_create.append(
                    QuizAnswer(
                        attempt=locked,
                        question_id=question_id,
                        response=response,
                        max_points=by_id[question_id]["points"],
                    )
                )
            elif answer.response != response:
                answer.response = response
                to_update.append(answer)
        QuizAnswer.objects.bulk_create(to_create)
        QuizAnswer.objects.bulk_update(to_update, ["response"])
    return len(to_create) + len(to_update)


# --- marking ---------------------------------------------------------------------------------


def mark_question(question, response):
    """``(points, correct)`` for an automatically marked question; ``(None, None)`` for a
    short answer, which the trainer marks."""
    points = Decimal(question["points"])
    kind = question["type"]
    if kind == SHORT:
        return None, None
    if kind == SINGLE:
        right = {c["id"] for c in question["choices"] if c["correct"]}
        correct = response in right
    elif kind == MULTIPLE:
        right = {c["id"] for c in question["choices"] if c["correct"]}
        correct = set(response or []) == right
    elif kind == TRUE_FALSE:
        correct = response == ("true" if question["true"] else "false")
    elif kind == MATCHING:
        pairs = question["pairs"]
        chosen = response or {}
        matched = sum(1 for p in pairs if chosen.get(p["id"]) == p["right"])
        share = (points * matched / len(pairs)).quantize(TWO_PLACES, ROUND_HALF_UP)
        return share, matched == len(pairs)
    else:
        return Decimal(0), False
    return (points if correct else Decimal(0)), correct


def _finish_if_marked(attempt, answers):
    """Give the attempt its score once no answer waits for the trainer."""
    if any(a.points is None for a in answers):
        attempt.status = Status.NEEDS_MARKING
        attempt.score = None
        attempt.passed = None
        return
    attempt.status = Status.MARKED
    attempt.score = sum((a.points for a in answers), Decimal(0))
    attempt.max_score = sum((a.max_points for a in answers), Decimal(0))
    percent = attempt.score * 100 / attempt.max_score if attempt.max_score else Decimal(0)
    attempt.passed = percent >= attempt.quiz.pass_percent


@dataclass
class SubmitOutcome:
    attempt: QuizAttempt
    already: bool = False  # handed in before: nothing was changed


def submit_attempt(*, attempt, responses=None, closing=None, check_deadline=True):
    """Hand in an attempt: save the last answers, mark them, update the result.

    A second submit of the same attempt (a double tap, a resent form) changes nothing and
    says so. Nothing is stored if the quiz has closed."""
    enrolment = attempt.enrolment
    if check_deadline and closing is None:
        closing = closes_at(attempt.quiz, enrolment)
    with transaction.atomic():
        locked = _locked_attempt(attempt.pk)
        if locked.status != Status.IN_PROGRESS:
            return SubmitOutcome(locked, already=True)
        _check_may_answer(locked.quiz, enrolment, closing if check_deadline else None)
        if responses:
            save_answers(attempt=locked, responses=responses, check_deadline=False)
        existing = {a.question_id: a for a in locked.answers.all()}
        answers = []
        for question in locked.questions:
            answer = existing.get(question["id"]) or QuizAnswer(
                attempt=locked, question_id=question["id"], response=None
            )
            answer.max_points = Decimal(question["points"])
            if question["type"] == SHORT and not answer.response:
                # Nothing written: nothing for the trainer to mark.
                answer.points, answer.correct = Decimal(0), False
            else:
                answer.points, answer.correct = mark_question(question, answer.response)
            answers.append(answer)
        QuizAnswer.objects.bulk_create([a for a in answers if a.pk is None])
        QuizAnswer.objects.bulk_update(
            [a for a in answers if a.pk is not None], ["points", "correct", "max_points"]
        )
        locked.submitted_at = timezone.now()
        locked.max_score = sum((a.max_points for a in answers), Decimal(0))
        _finish_if_marked(locked, answers)
        locked.save(update_fields=["status", "submitted_at", "score", "max_score", "passed"])
        update_result(locked.quiz, locked.enrolment_id)
    return SubmitOutcome(locked)


def mark_answer(*, answer_id, points, feedback, marker):
    """A trainer's marking of one short answer. Returns the answer's attempt.

    ``points`` must lie between 0 and the question's points; halves are fine. Only a trainer
    of the trainee's cohort marks (PermissionDenied otherwise): a written answer is read by
    the people the trainee wrote it for, not by programme managers or superusers."""
    try:
        points = Decimal(str(points)).quantize(TWO_PLACES, ROUND_HALF_UP)
    except (ArithmeticError, ValueError, TypeError):
        raise ValidationError(_("Points must be a number, such as 1 or 0.5.")) from None
    with transaction.atomic():
        answer = QuizAnswer.objects.select_related("attempt__enrolment").get(pk=answer_id)
        if not trains(marker, answer.attempt.enrolment.cohort_id):
            raise PermissionDenied
        attempt = _locked_attempt(answer.attempt_id)
        answer = QuizAnswer.objects.select_for_update().get(pk=answer_id)
        question = next((q for q in attempt.questions if q["id"] == answer.question_id), None)
        if question is None or question["type"] != SHORT:
            raise ValidationError(_("Only short answers are marked by the trainer."))
        if attempt.status == Status.IN_PROGRESS:
            raise ValidationError(_("This attempt has not been handed in yet."))
        if points < 0 or points > answer.max_points:
            raise ValidationError(
                _("Give between 0 and %(max)s points.") % {"max": _number(answer.max_points)}
            )
        answer.points = points
        answer.correct = points == answer.max_points
        answer.feedback = (feedback or "").strip()[:2000]
        answer.marked_by = marker
        answer.marked_at = timezone.now()
        answer.save(update_fields=["points", "correct", "feedback", "marked_by", "marked_at"])
        answers = list(attempt.answers.all())
        _finish_if_marked(attempt, answers)
        attempt.save(update_fields=["status", "score", "max_score", "passed"])
        update_result(attempt.quiz, attempt.enrolment_id)
    return attempt


def _number(value):
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral() else str(int(value))


# --- the counted result ------------------------------------------------------------------------


def counted(quiz, attempts):
    """The attempt that counts among ``attempts`` (handed in ones only), or None."""
    handed_in = sorted(
        (a for a in attempts if a.status != Status.IN_PROGRESS), key=lambda a: a.number
    )
    if not handed_in:
        return None
    if quiz.counted_attempt == Quiz.CountedAttempt.FIRST:
        return handed_in[0]
    if quiz.counted_attempt == Quiz.CountedAttempt.LAST:
        return handed_in[-1]
    marked = [a for a in handed_in if a.status == Status.MARKED]
    if not marked:
        return handed_in[-1]
    # The best score; the earlier attempt when two are equal.
    return max(marked, key=lambda a: (a.score / a.max_score if a.max_score else 0, -a.number))


def update_result(quiz, enrolment_id):
    """Bring the trainee's QuizResult up to date. Sends ``progress_inputs_changed`` after
    the commit when what completion reads (passed, percent, attempts) changed."""
    attempts = list(QuizAttempt.objects.filter(quiz=quiz, enrolment_id=enrolment_id))
    chosen = counted(quiz, attempts)
    handed_in = sum(1 for a in attempts if a.status != Status.IN_PROGRESS)
    percent = chosen.percent if chosen is not None and chosen.status == Status.MARKED else None
    passed = bool(chosen is not None and chosen.status == Status.MARKED and chosen.passed)
    result = QuizResult.objects.select_for_update().filter(quiz=quiz, enrolment_id=enrolment_id)
    result = result.first()
    if result is None:
        if chosen is None:
            return None
        result = QuizResult(quiz=quiz, enrolment_id=enrolment_id)
        before = None
    else:
        before = (result.counted_attempt_id, result.attempts, result.percent, result.passed)
    result.counted_attempt = chosen
    result.attempts = handed_in
    result.percent = percent
    result.passed = passed
    after = (result.counted_attempt_id, result.attempts, result.percent, result.passed)
    if before != after:
        result.save()
        transaction.on_commit(
            lambda: progress_inputs_changed.send(sender=QuizResult, enrolment_ids=[enrolment_id])
        )
    return result


# --- words -------------------------------------------------------------------------------------


def score_words(attempt):
    """The score as a sentence, such as "You got 4 of 5. You passed." """
    if attempt.status == Status.IN_PROGRESS:
        return _("You have not handed in this attempt yet.")
    if attempt.status == Status.NEEDS_MARKING:
        got = sum((a.points for a in attempt.answers.all() if a.points is not None), Decimal(0))
        return _(
            "You got %(score)s of %(max)s so far. Your trainer will mark your written "
            "answers, then you will see if you passed."
        ) % {"score": _number(got), "max": _number(attempt.max_score)}
    words = _("You got %(score)s of %(max)s.") % {
        "score": _number(attempt.score),
        "max": _number(attempt.max_score),
    }
    if attempt.passed:
        return f"{words} {_('You passed.')}"
    return f"{words} {_('You did not pass this time.')}"
