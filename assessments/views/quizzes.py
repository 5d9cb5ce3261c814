"""Quiz pages: a trainee takes a quiz and reads the result; a trainer follows the cohort and
marks short answers.

Trainee pages take an ``enrolment_id`` that must be the visitor's own (404 otherwise) and a
quiz placed in the enrolment's programme (404 otherwise). Staff pages look everything up
within the cohort of the address. The overview (who took the quiz, scores, results, how
many answers wait) shows no trainee's own words, so the cohort's staff open it
(``cohort_for_staff``: its trainers, managers of its organisation). The marking page shows
written answers one by one, so only the cohort's trainers open it
(``cohort_for_its_trainers``): not programme managers, not superusers. The rules for taking
and marking live in ``assessments.quizzes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training.access import cohort_for_its_trainers, cohort_for_staff, trains
from training.models import Enrolment, ScheduledSession

from .. import quizzes as service
from ..models import Quiz, QuizAnswer, QuizAttempt, QuizResult

Status = QuizAttempt.Status


# --- loading and checking -----------------------------------------------------------------------


def _load(user, enrolment_id, quiz_id):
    """The visitor's enrolment, the quiz and the session plan that places it, or 404."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("cohort__programme", "cohort__organisation"),
        pk=enrolment_id,
    )
    if enrolment.trainee_id != user.pk:
        raise Http404
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    session = service.session_of_quiz(enrolment.cohort.programme, quiz)
    if session is None:
        raise Http404
    return enrolment, quiz, session


def _load_attempt(enrolment, quiz, number):
    attempt = get_object_or_404(
        QuizAttempt.objects.prefetch_related("answers"),
        enrolment=enrolment,
        quiz=quiz,
        number=number,
    )
    attempt.enrolment, attempt.quiz = enrolment, quiz
    return attempt


def _first_message(error):
    return " ".join(error.messages) if getattr(error, "messages", None) else str(error)


def _refusal(error):
    """The plain sentence of a PermissionDenied raised by the service, or a default."""
    return str(error) or _("You cannot answer this quiz.")


# --- the quiz page --------------------------------------------------------------------------------


@login_required
@require_GET
def quiz_page(request, enrolment_id, quiz_id):
    enrolment, quiz, session = _load(request.user, enrolment_id, quiz_id)
    closing = service.closes_at(quiz, enrolment, session=session)
    attempts = list(QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz).order_by("number"))
    open_attempt = next((a for a in attempts if a.status == Status.IN_PROGRESS), None)
    left = service.attempts_left(quiz, len(attempts))
    closed = service.is_closed(closing)
    result = QuizResult.objects.filter(enrolment=enrolment, quiz=quiz).first()
    if not enrolment.can_work:
        blocked = _("You are no longer taking part in this group, so you cannot answer quizzes.")
    elif closed:
        blocked = _("This quiz is closed. Please talk to your trainer.")
    elif open_attempt is None and left == 0:
        blocked = _("You have used all your attempts at this quiz.")
    else:
        blocked = ""
    return render(
        request,
        "assessments/quizzes/quiz.html",
        {
            "enrolment": enrolment,
            "quiz": quiz,
            "session": session,
            "attempts": attempts,
            "handed_in": [a for a in attempts if a.status != Status.IN_PROGRESS],
            "open_attempt": open_attempt,
            "attempts_left": left,
            "deadline_words": service.deadline_words(closing),
            "closed": closed,
            "blocked": blocked,
            "result": result,
            "question_count": len(quiz.questions.raw_data),
        },
    )


@login_required
@require_POST
def quiz_start(request, enrolment_id, quiz_id):
    enrolment, quiz, session = _load(request.user, enrolment_id, quiz_id)
    closing = service.closes_at(quiz, enrolment, session=session)
    try:
        attempt = service.start_attempt(enrolment=enrolment, quiz=quiz, closing=closing)
    except PermissionDenied as error:
        messages.error(request, _refusal(error))
        return redirect("assessments:quiz", enrolment.pk, quiz.pk)
    except ValidationError as error:
        messages.error(request, _first_message(error))
        return redirect("assessments:quiz", enrolment.pk, quiz.pk)
    return redirect("assessments:quiz_attempt", enrolment.pk, quiz.pk, attempt.number)


# --- answering ----------------------------------------------------------------------------------


def _field_name(question, pair=None):
    return f"q-{question['id']}" + (f"-{pair['id']}" if pair else "")


def posted_responses(data, questions):
    """``{question_id: response}`` from a form post (or the same fields sent by autosave).
    Questions without a field in the post are left out, so they keep their saved answer."""
    responses = {}
    for question in questions:
        name = _field_name(question)
        kind = question["type"]
        if kind == service.MULTIPLE:
            # Checkboxes send nothing when none is ticked: a marker field says the
            # question was on the page, so unticking everything is saved too.
            if name in data or f"{name}-present" in data:
                responses[question["id"]] = data.getlist(name)
        elif kind == service.MATCHING:
            names = {pair["id"]: _field_name(question, pair) for pair in question["pairs"]}
            if any(n in data for n in names.values()):
                responses[question["id"]] = {
                    pair_id: data.get(n, "") for pair_id, n in names.items() if n in data
                }
        elif name in data:
            responses[question["id"]] = data.get(name, "")
    return responses


@dataclass
class QuestionView:
    """One question as the form or the result page draws it."""

    number: int
    question: dict
    response: object = None
    answer: QuizAnswer | None = None
    # Result page only.
    choices: list = field(default_factory=list)
    pairs: list = field(default_factory=list)
    feedback: list = field(default_factory=list)

    @property
    def kind(self):
        return self.question["type"]

    @property
    def name(self):
        return _field_name(self.question)

    @property
    def id(self):
        return f"question-{self.number}"

    @property
    def points_words(self):
        points = self.question["points"]
        return _("1 point") if points == 1 else _("%(count)s points") % {"count": points}

    @property
    def status(self):
        """``(code, words)`` for the result page; words carry the meaning, not colour."""
        answer = self.answer
        if answer is None or answer.points is None:
            return "waiting", _("Waiting for your trainer to mark it")
        if answer.correct:
            return "right", _("Right")
        if answer.points and answer.points > 0:
            return "partly", _("Partly right")
        if answer.response in (None, "", [], {}):
            return "wrong", _("Not answered")
        return "wrong", _("Not right")

    @property
    def points_got(self):
        if self.answer is None or self.answer.points is None:
            return None
        return service._number(self.answer.points)


def _choice_rows(question, response, show_feedback):
    chosen = set(response if isinstance(response, list) else [response] if response else [])
    return [
        {
            "id": choice["id"],
            "text": choice["text"],
            "chosen": choice["id"] in chosen,
            "correct": choice["correct"] if show_feedback else None,
            # Feedback is written for the choice the trainee made.
            "feedback": choice["feedback"] if show_feedback and choice["id"] in chosen else "",
        }
        for choice in question["choices"]
    ]


def question_views(attempt, *, values=None, result=False):
    """The attempt's questions with the answer to show: ``values`` (what was just posted)
    wins over what is saved, so nothing typed is lost when a post is refused."""
    answers = {a.question_id: a for a in attempt.answers.all()}
    values = values or {}
    show = attempt.quiz.show_feedback
    views = []
    for number, question in enumerate(attempt.questions, start=1):
        answer = answers.get(question["id"])
        if question["id"] in values:
            response = values[question["id"]]
        else:
            response = answer.response if answer is not None else None
        view = QuestionView(number=number, question=question, response=response, answer=answer)
        kind = question["type"]
        if kind in (service.SINGLE, service.MULTIPLE):
            view.choices = _choice_rows(question, response, show and result)
        elif kind == service.MATCHING:
            chosen = response if isinstance(response, dict) else {}
            view.pairs = [
                {
                    "id": pair["id"],
                    "name": _field_name(question, pair),
                    "field_id": f"{view.id}-{pair['id']}",
                    "left": pair["left"],
                    "right": pair["right"] if show and result else "",
                    "chosen": chosen.get(pair["id"], ""),
                    "ok": chosen.get(pair["id"]) == pair["right"],
                }
                for pair in question["pairs"]
            ]
        if result and show:
            if kind == service.TRUE_FALSE:
                text = question["feedback_right"] if view.status[0] == "right" else ""
                text = text or (question["feedback_wrong"] if view.status[0] != "right" else "")
                view.feedback = [text] if text else []
            elif kind == service.MATCHING and question.get("feedback"):
                view.feedback = [question["feedback"]]
        if result and answer is not None and answer.feedback and kind == service.SHORT:
            # The trainer's words on a short answer are always shown.
            view.feedback = [answer.feedback]
        views.append(view)
    return views


def autosave_strings():
    """The words quizzes.js shows, translated here so the script holds no English."""
    return {
        "saving": _("Saving…"),
        "saved": _("Your answers are saved (%(time)s)."),
        "offline": _(
            "Not saved yet: no connection. Your answers are kept on this phone or computer "
            "and will be sent when the connection is back."
        ),
        "logged_out": _(
            "You have been logged out. Your answers are kept on this phone or computer. Log in "
            "again in a new tab, then come back here: they will be sent."
        ),
        "log_in": _("Log in again (opens a new tab)"),
        "refused": _("Your answers could not be saved:"),
        "restored": _("Answers kept on this device were put back."),
        "wait": _("You are logged out. Log in again first, then hand in: your answers are kept."),
    }


def _attempt_context(request, enrolment, quiz, session, attempt, closing, **extra):
    return {
        "enrolment": enrolment,
        "quiz": quiz,
        "session": session,
        "attempt": attempt,
        "questions": question_views(attempt, values=extra.pop("values", None)),
        "deadline_words": service.deadline_words(closing),
        "save_url": reverse(
            "assessments:quiz_autosave", args=[enrolment.pk, quiz.pk, attempt.number]
        ),
        "login_url": resolve_url(settings.LOGIN_URL),
        "storage_key": f"quiz-{enrolment.pk}-{quiz.pk}-{attempt.number}",
        "autosave_strings": autosave_strings(),
        "answer_max_length": service.SHORT_ANSWER_MAX_LENGTH,
        **extra,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_attempt(request, enrolment_id, quiz_id, number):
    """The form while the attempt is in progress; the result once it is handed in."""
    enrolment, quiz, session = _load(request.user, enrolment_id, quiz_id)
    attempt = _load_attempt(enrolment, quiz, number)
    closing = service.closes_at(quiz, enrolment, session=session)
    if request.method == "POST":
        return _post_attempt(request, enrolment, quiz, session, attempt, closing)
    if attempt.status != Status.IN_PROGRESS:
        return _result(request, enrolment, quiz, session, attempt)
    context = _attempt_context(request, enrolment, quiz, session, attempt, closing)
    if not enrolment.can_work or service.is_closed(closing):
        context["read_only_reason"] = (
            _("You are no longer taking part in this group, so you cannot answer quizzes.")
            if not enrolment.can_work
            else _("This quiz is closed, so answers are no longer accepted.")
        )
    return render(request, "assessments/quizzes/attempt.html", context)


def _post_attempt(request, enrolment, quiz, session, attempt, closing):
    responses = posted_responses(request.POST, attempt.questions)
    hand_in = "hand_in" in request.POST
    try:
        if hand_in:
            outcome = service.submit_attempt(attempt=attempt, responses=responses, closing=closing)
        else:
            service.save_answers(attempt=attempt, responses=responses, closing=closing)
    except (ValidationError, PermissionDenied) as error:
        status = QuizAttempt.objects.filter(pk=attempt.pk).values_list("status", flat=True)
        if status.first() != Status.IN_PROGRESS:
            messages.info(request, _("You have already handed in this attempt."))
            return redirect("assessments:quiz_attempt", enrolment.pk, quiz.pk, attempt.number)
        # The form again, with what the trainee chose still in place.
        message = _refusal(error) if isinstance(error, PermissionDenied) else _first_message(error)
        context = _attempt_context(
            request, enrolment, quiz, session, attempt, closing, values=responses
        )
        context["form_error"] = message
        return render(request, "assessments/quizzes/attempt.html", context, status=400)
    if not hand_in:
        messages.success(request, _("Your answers are saved. You can come back and finish later."))
        return redirect("assessments:quiz_attempt", enrolment.pk, quiz.pk, attempt.number)
    if outcome.already:
        messages.info(request, _("You had already handed in this attempt. Nothing was changed."))
    else:
        messages.success(request, _("Thank you, your answers are handed in."))
    return redirect("assessments:quiz_attempt", enrolment.pk, quiz.pk, attempt.number)


@require_POST
def quiz_autosave(request, enrolment_id, quiz_id, number):
    """Autosave from quizzes.js. Answers in JSON, never a redirect: a visitor whose login
    expired gets 401 so the page keeps the answers and asks them to log in again. The CSRF
    middleware has already checked the token sent in the X-CSRFToken header."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": "login", "login_url": resolve_url(settings.LOGIN_URL)}, status=401
        )
    try:
        enrolment, quiz, session = _load(request.user, enrolment_id, quiz_id)
        attempt = _load_attempt(enrolment, quiz, number)
    except Http404:
        return JsonResponse({"error": _("This quiz could not be found.")}, status=404)
    responses = posted_responses(request.POST, attempt.questions)
    try:
        saved = service.save_answers(attempt=attempt, responses=responses)
    except PermissionDenied as error:
        return JsonResponse({"error": _refusal(error)}, status=403)
    except ValidationError as error:
        return JsonResponse({"error": _first_message(error)}, status=400)
    return JsonResponse({"saved": saved, "saved_at": timezone.localtime().isoformat()})


def _result(request, enrolment, quiz, session, attempt):
    questions = question_views(attempt, result=True)
    return render(
        request,
        "assessments/quizzes/result.html",
        {
            "enrolment": enrolment,
            "quiz": quiz,
            "session": session,
            "attempt": attempt,
            "questions": questions,
            "score_words": service.score_words(attempt),
        },
    )


# --- trainers -------------------------------------------------------------------------------------


def _quiz_in_cohort(cohort, quiz_id):
    for session, quiz in service.programme_quizzes(cohort.programme):
        if quiz.pk == quiz_id:
            return session, quiz
    raise Http404


def _awaiting(cohort, quiz):
    """Short answers of this cohort and quiz that wait for the trainer."""
    return QuizAnswer.objects.filter(
        attempt__quiz=quiz,
        attempt__enrolment__cohort=cohort,
        attempt__status=Status.NEEDS_MARKING,
        points__isnull=True,
    )


@dataclass
class OverviewRow:
    enrolment: Enrolment
    attempts: int = 0
    best: int | None = None
    result: QuizResult | None = None
    to_mark: int = 0
    in_progress: bool = False


@login_required
@require_GET
def quiz_overview(request, cohort_id, quiz_id):
    """Who took the quiz, their best score, whether their counted attempt passed, and what
    waits for marking. Four queries however many trainees there are."""
    cohort = cohort_for_staff(request, cohort_id)
    session, quiz = _quiz_in_cohort(cohort, quiz_id)
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("trainee")
    )
    rows = {e.pk: OverviewRow(enrolment=e) for e in enrolments}
    for attempt in QuizAttempt.objects.filter(quiz=quiz, enrolment__cohort=cohort).only(
        "enrolment_id", "status", "score", "max_score", "number"
    ):
        row = rows.get(attempt.enrolment_id)
        if row is None:
            continue
        if attempt.status == Status.IN_PROGRESS:
            row.in_progress = True
            continue
        row.attempts += 1
        if attempt.percent is not None and (row.best is None or attempt.percent > row.best):
            row.best = attempt.percent
    for result in QuizResult.objects.filter(quiz=quiz, enrolment__cohort=cohort):
        if result.enrolment_id in rows:
            rows[result.enrolment_id].result = result
    for item in (
        _awaiting(cohort, quiz).values("attempt__enrolment_id").annotate(n=Count("id")).order_by()
    ):
        if item["attempt__enrolment_id"] in rows:
            rows[item["attempt__enrolment_id"]].to_mark = item["n"]
    rows = list(rows.values())
    return render(
        request,
        "assessments/quizzes/overview.html",
        {
            "cohort": cohort,
            "quiz": quiz,
            "session": session,
            # Only the cohort's trainers mark, so only they are offered the marking page.
            "can_mark": trains(request.user, cohort),
            "rows": rows,
            "taken": sum(1 for r in rows if r.attempts),
            "passed": sum(1 for r in rows if r.result and r.result.passed),
            "to_mark": sum(r.to_mark for r in rows),
        },
    )


def _mark_form_values(request):
    return {
        "points": request.POST.get("points", "").strip().replace(",", "."),
        "feedback": request.POST.get("feedback", ""),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def quiz_marking(request, cohort_id, quiz_id):
    """Short answers waiting for marking, one at a time, oldest first. A trainee's written
    answer is for the cohort's trainers only (see the module)."""
    cohort = cohort_for_its_trainers(request, cohort_id)
    session, quiz = _quiz_in_cohort(cohort, quiz_id)
    waiting = _awaiting(cohort, quiz).select_related("attempt__enrolment__trainee")
    values, error = {}, ""
    if request.method == "POST":
        try:
            answer_id = int(request.POST.get("answer", ""))
        except ValueError:
            raise Http404 from None
        # Looked up within this cohort and quiz: an id from elsewhere opens nothing.
        answer = get_object_or_404(
            QuizAnswer,
            pk=answer_id,
            attempt__quiz=quiz,
            attempt__enrolment__cohort=cohort,
        )
        values = _mark_form_values(request)
        if not values["points"]:
            error = _("Give some points, from 0 up to the question's points.")
        else:
            try:
                service.mark_answer(
                    answer_id=answer.pk,
                    points=values["points"],
                    feedback=values["feedback"],
                    marker=request.user,
                )
            except ValidationError as refused:
                error = _first_message(refused)
        if not error:
            messages.success(
                request,
                _("Marked the answer of %(name)s.")
                % {"name": _name(answer.attempt.enrolment.trainee)},
            )
            return redirect("assessments:quiz_marking", cohort.pk, quiz.pk)
        current = waiting.filter(pk=answer.pk).first() or answer
    else:
        wanted = request.GET.get("answer", "")
        trainee = request.GET.get("enrolment", "")
        current = None
        if wanted.isdigit():
            current = waiting.filter(pk=int(wanted)).first()
        if current is None and trainee.isdigit():
            # From a trainee's row in the overview: their answers first.
            current = (
                waiting.filter(attempt__enrolment_id=int(trainee))
                .order_by("attempt__submitted_at", "pk")
                .first()
            )
        if current is None:
            current = waiting.order_by("attempt__submitted_at", "pk").first()
    left = waiting.count()
    question = None
    if current is not None:
        question = next(
            (q for q in current.attempt.questions if q["id"] == current.question_id), None
        )
    return render(
        request,
        "assessments/quizzes/marking.html",
        {
            "cohort": cohort,
            "quiz": quiz,
            "session": session,
            "answer": current,
            "question": question,
            "trainee_name": _name(current.attempt.enrolment.trainee) if current else "",
            "left": left,
            "values": values,
            "form_error": error,
        },
        status=400 if error else 200,
    )


def _name(user):
    return user.get_full_name() or user.username


# --- the trainee home -------------------------------------------------------------------------


@dataclass
class HomeQuiz:
    quiz: Quiz
    session: object
    enrolment: Enrolment
    url: str
    status: str
    words: str
    percent: int | None = None


def quiz_home_items(enrolments):
    """The quizzes of these enrolments' programmes, sorted into to take, waiting for
    marking and passed. Two queries per programme, then (only when there are quizzes) one
    for the trainee's attempts and one for the meetings that set deadlines."""
    groups = {"to_take": [], "waiting": [], "passed": []}
    enrolments = [e for e in enrolments if e.can_work]
    by_programme = {}
    for enrolment in enrolments:
        programme = enrolment.cohort.programme
        if programme.pk not in by_programme:
            by_programme[programme.pk] = service.programme_quizzes(programme)
    if not any(by_programme.values()):
        return groups
    # The trainee's own attempts (a handful), from which the counted one is worked out
    # exactly as ``update_result`` does.
    attempts = {}
    for attempt in QuizAttempt.objects.filter(enrolment__in=enrolments).only(
        "id", "enrolment_id", "quiz_id", "number", "status", "score", "max_score", "passed"
    ):
        attempts.setdefault((attempt.enrolment_id, attempt.quiz_id), []).append(attempt)
    starts = {}
    if any(q.closes_days_after_session is not None for f in by_programme.values() for _s, q in f):
        plan_ids = {s.pk for found in by_programme.values() for s, _q in found}
        starts = {
            (m.cohort_id, m.session_plan_id): m.starts_at
            for m in ScheduledSession.objects.filter(
                cohort_id__in={e.cohort_id for e in enrolments}, session_plan_id__in=plan_ids
            ).only("cohort_id", "session_plan_id", "starts_at")
        }
    now = timezone.now()
    for enrolment in enrolments:
        for session, quiz in by_programme[enrolment.cohort.programme_id]:
            mine = attempts.get((enrolment.pk, quiz.pk), [])
            url = reverse("assessments:quiz", args=[enrolment.pk, quiz.pk])
            item = HomeQuiz(quiz, session, enrolment, url, "", "")
            chosen = service.counted(quiz, mine)
            if chosen is not None and chosen.status == Status.MARKED and chosen.passed:
                item.status, item.words, item.percent = "passed", _("Passed"), chosen.percent
                groups["passed"].append(item)
                continue
            if any(a.status == Status.NEEDS_MARKING for a in mine):
                item.status, item.words = "waiting", _("Waiting for your trainer to mark it")
                groups["waiting"].append(item)
                continue
            start = starts.get((enrolment.cohort_id, session.pk))
            days = quiz.closes_days_after_session
            if start is not None and days is not None:
                if service.is_closed(service.closes_at_from(start, days), now):
                    continue
            left = service.attempts_left(quiz, len(mine))
            if any(a.status == Status.IN_PROGRESS for a in mine):
                item.status, item.words = "started", _("Started: finish it")
            elif left == 0:
                continue
            elif mine:
                item.status, item.words = "retry", _("Not passed yet: you can try again")
            else:
                item.status, item.words = "new", _("Not started")
            groups["to_take"].append(item)
    return groups


def trainee_home_context(user):
    """What the trainee home adds: the quizzes of each current enrolment."""
    enrolments = list(
        Enrolment.objects.filter(
            trainee=user, status__in=[Enrolment.Status.INVITED, Enrolment.Status.ACTIVE]
        ).select_related("cohort__programme")
    )
    return {"quiz_groups": quiz_home_items(enrolments)}


urlpatterns = [
    path("quizzes/<int:enrolment_id>/<int:quiz_id>/", quiz_page, name="quiz"),
    path("quizzes/<int:enrolment_id>/<int:quiz_id>/start/", quiz_start, name="quiz_start"),
    path(
        "quizzes/<int:enrolment_id>/<int:quiz_id>/attempts/<int:number>/",
        quiz_attempt,
        name="quiz_attempt",
    ),
    path(
        "quizzes/<int:enrolment_id>/<int:quiz_id>/attempts/<int:number>/save/",
        quiz_autosave,
        name="quiz_autosave",
    ),
    path("cohorts/<int:cohort_id>/quizzes/<int:quiz_id>/", quiz_overview, name="quiz_overview"),
    path(
        "cohorts/<int:cohort_id>/quizzes/<int:quiz_id>/marking/",
        quiz_marking,
        name="quiz_marking",
    ),
]
