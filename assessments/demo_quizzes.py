"""Demo data for quizzes: a short quiz on confidentiality placed in the demo session
(session 2 of the demo programme), and attempts by three Kent trainees: Mark passed, Yazid
did not pass, An waits for the trainer to mark a written answer. Marie has none, so the
demo can show a trainee taking the quiz for the first time.

``load()`` runs after ``manage.py load_demo`` and is safe to run again: the quiz is found
by title and updated, the session gets a new revision only when its activity changes, and
the demo trainees' attempts at this quiz are rebuilt the same way each time.
"""

import copy
import random
import uuid

from django.contrib.auth.models import User
from django.db import transaction

from curriculum.models import ProgrammePage, SessionPlanPage
from lms.page_translations import in_library
from training.models import Cohort, Enrolment

from . import quizzes as service
from .models import Quiz, QuizAttempt, QuizResult

PROGRAMME_SLUG = "peer-support-agent"
COHORT_NAME = "Kent, spring 2027"
SESSION_NUMBER = 2
NAMESPACE = uuid.UUID("0c9d4a53-51c4-4f0e-8f53-6f3f3c0f1a27")

QUIZ = {
    "title": "Keeping things private: a short quiz",
    "introduction": (
        "Five questions about confidentiality in peer support. There are no trick "
        "questions. If you do not pass the first time, you can try again."
    ),
    "pass_percent": 70,
    "attempts_allowed": 3,
    "counted_attempt": Quiz.CountedAttempt.BEST,
    "closes_days_after_session": 14,
    "show_feedback": True,
}

# (type, value) in the order the trainee reads them. Choices: (text, right, feedback).
QUESTIONS = [
    (
        "single_choice",
        {
            "question": "Someone you support tells you about their debts. Who may you tell?",
            "points": 1,
            "choices": [
                (
                    "Nobody, unless they agree or someone is in danger",
                    True,
                    "Yes. What they tell you stays with you unless they say you may share it, "
                    "or someone is at risk.",
                ),
                (
                    "Friends, as long as you leave out the name",
                    False,
                    "Even without a name, people can often work out who it is.",
                ),
                (
                    "Anyone who asks how they are doing",
                    False,
                    "No. Their story belongs to them, and they decide who hears it.",
                ),
            ],
        },
    ),
    (
        "multiple_choice",
        {
            "question": "When may you pass on what someone told you? Tick every right answer.",
            "points": 1,
            "choices": [
                ("When they tell you that you may", True, "Yes: it is their choice."),
                (
                    "When someone's life or safety is at risk",
                    True,
                    "Yes. Safety comes first; tell your supervisor straight away.",
                ),
                (
                    "When a colleague is curious",
                    False,
                    "No. Curiosity is not a reason to share someone's story.",
                ),
                (
                    "When the story would help the group learn",
                    False,
                    "Only with their permission, and even then without details that show "
                    "who it is.",
                ),
            ],
        },
    ),
    (
        "true_false",
        {
            "question": (
                "You meet someone you support at the bus stop. It is fine to ask them, in "
                "front of others, how their treatment is going."
            ),
            "points": 1,
            "true": False,
            "feedback_right": (
                "Right. Others can hear. Let the person choose what to talk about in public."
            ),
            "feedback_wrong": (
                "Not quite. Other people may hear, and the person may not want them to know "
                "they get support."
            ),
        },
    ),
    (
        "matching",
        {
            "question": "Match each situation with what you do.",
            "points": 3,
            "pairs": [
                (
                    "Someone says they plan to hurt themselves",
                    "Tell your supervisor at once",
                ),
                ("A neighbour asks why you visit someone", "Say that it is private"),
                (
                    "A conversation stays on your mind afterwards",
                    "Talk it over in supervision, without names",
                ),
            ],
            "feedback": (
                "Safety first, privacy always, and you do not have to carry hard stories alone."
            ),
        },
    ),
    (
        "short_answer",
        {
            "question": "In your own words: why does confidentiality matter to the people you "
            "support?",
            "points": 2,
            "guidance": (
                "A good answer mentions trust, that the story is theirs to tell, and the fear of "
                "being judged or treated differently if others find out."
            ),
        },
    ),
]

# What each demo trainee answered, by question position: choice positions, "true"/"false",
# the right-hand texts chosen for each pair, or the text written. Then the trainer's mark
# for the written answer (None: not marked yet) with feedback.
RIGHT_PAIRS = [right for _left, right in QUESTIONS[3][1]["pairs"]]
ATTEMPTS = {
    "mark": (
        [
            0,
            [0, 1],
            "false",
            RIGHT_PAIRS,
            "People share hard things only when they trust you. "
            "If it gets out, they may never ask for help again.",
        ],
        (2, "Clear and to the point: trust is the heart of it."),
    ),
    "yazid": (
        [1, [0], "false", [RIGHT_PAIRS[1], RIGHT_PAIRS[0], RIGHT_PAIRS[2]], "So they feel safe."],
        (1, "A good start. Say a bit more: what could happen if their story got out?"),
    ),
    "an": (
        [
            0,
            [0, 1],
            "false",
            RIGHT_PAIRS,
            "Because it is their life and their story. People "
            "judge you when they know you were homeless.",
        ],
        None,
    ),
}


def _id(*parts):
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _items(position, name, values):
    return [
        {"type": "item", "value": v, "id": _id(position, name, i)} for i, v in enumerate(values)
    ]


def question_stream():
    """The questions in the raw form a StreamField stores, with stable ids."""
    stream = []
    for position, (kind, data) in enumerate(QUESTIONS):
        value = {k: v for k, v in data.items() if k not in ("choices", "pairs")}
        if "choices" in data:
            value["choices"] = _items(
                position,
                "choice",
                [{"text": t, "correct": c, "feedback": f} for t, c, f in data["choices"]],
            )
        if "pairs" in data:
            value["pairs"] = _items(
                position, "pair", [{"left": left, "right": right} for left, right in data["pairs"]]
            )
        stream.append({"type": kind, "value": value, "id": _id(position, "question")})
    return stream


def load_quiz():
    quiz = Quiz.objects.filter(title=QUIZ["title"]).order_by("pk").first() or Quiz()
    for key, value in QUIZ.items():
        setattr(quiz, key, value)
    quiz.questions = question_stream()
    quiz.save()
    return quiz


def place_quiz(programme, quiz):
    """Put the quiz in an activity of the demo session; a new revision only if needed."""
    session = SessionPlanPage.objects.child_of(programme).get(number=SESSION_NUMBER)
    raw = copy.deepcopy(list(session.activities.raw_data))
    activities = [item for item in raw if item.get("type") == "activity"]
    if any((item.get("value") or {}).get("quiz") == quiz.pk for item in activities):
        return session
    # The last activity of the session, where a short check of what was learnt fits best;
    # one that already holds another quiz is left alone.
    free = [item for item in activities if not (item.get("value") or {}).get("quiz")]
    if not free:
        raise ValueError("The demo session has no activity without a quiz.")
    free[-1]["value"]["quiz"] = quiz.pk
    session.activities = raw
    session.save_revision().publish()
    return session


def _response(question, answer):
    kind = question["type"]
    if kind == service.SINGLE:
        return question["choices"][answer]["id"]
    if kind == service.MULTIPLE:
        return [question["choices"][i]["id"] for i in answer]
    if kind == service.MATCHING:
        return {pair["id"]: chosen for pair, chosen in zip(question["pairs"], answer, strict=True)}
    return answer


def load_attempts(quiz, cohort, trainer):
    enrolments = {
        e.trainee.username: e
        for e in Enrolment.objects.filter(cohort=cohort).select_related(
            "cohort__programme", "trainee"
        )
    }
    # Rebuilt each time, so two runs leave the same attempts.
    QuizResult.objects.filter(quiz=quiz, enrolment__cohort=cohort).delete()
    QuizAttempt.objects.filter(quiz=quiz, enrolment__cohort=cohort).delete()
    made = 0
    for username, (answers, marking) in ATTEMPTS.items():
        enrolment = enrolments.get(username)
        if enrolment is None:
            continue
        attempt = QuizAttempt.objects.create(
            quiz=quiz,
            enrolment=enrolment,
            number=1,
            # A fixed shuffle, so the demo looks the same after every run.
            questions=service.snapshot_questions(quiz, rng=random.Random(username)),  # noqa: S311
        )
        attempt.max_score = sum(q["points"] for q in attempt.questions)
        attempt.save(update_fields=["max_score"])
        responses = {
            q["id"]: _response(q, answer)
            for q, answer in zip(attempt.questions, answers, strict=True)
        }
        service.submit_attempt(attempt=attempt, responses=responses, check_deadline=False)
        if marking is not None:
            short = attempt.answers.get(question_id=attempt.questions[-1]["id"])
            points, feedback = marking
            service.mark_answer(
                answer_id=short.pk, points=points, feedback=feedback, marker=trainer
            )
        made += 1
    return made


def load(*, stdout=None):
    """Add the demo quiz and attempts; returns the quiz."""
    programme = in_library(ProgrammePage.objects.filter(slug=PROGRAMME_SLUG)).first()
    cohort = Cohort.objects.filter(name=COHORT_NAME, organisation__slug="kent").first()
    if programme is None or cohort is None:
        raise ValueError("Load the demo first: python manage.py load_demo")
    trainer = User.objects.get(username="trainer")
    with transaction.atomic():
        quiz = load_quiz()
        session = place_quiz(programme, quiz)
        made = load_attempts(quiz, cohort, trainer)
    if stdout is not None:
        stdout.write(
            f"  quiz '{quiz.title}' in session {session.number}, {made} demo attempts "
            "(mark passed, yazid did not pass, an waits for marking; marie has none)"
        )
    return quiz
