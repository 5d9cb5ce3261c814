"""Shared quiz fixtures for ``tests/assessments/test_quiz*.py`` (imported explicitly)."""

import pytest

from assessments.models import Quiz
from lms.roles import Role
from tests.factories import UserFactory, activity, make_scheduled_session, make_session
from training.models import Enrolment

# Five questions, one of each kind, 1 + 1 + 1 + 2 + 2 = 7 points.
QUESTIONS = [
    {
        "type": "single_choice",
        "id": "q-single",
        "value": {
            "question": "Who may hear what someone told you?",
            "points": 1,
            "choices": [
                {
                    "type": "item",
                    "id": "s-right",
                    "value": {
                        "text": "Nobody without consent",
                        "correct": True,
                        "feedback": "Yes, it is theirs.",
                    },
                },
                {
                    "type": "item",
                    "id": "s-wrong",
                    "value": {
                        "text": "Your friends",
                        "correct": False,
                        "feedback": "They could guess who it is.",
                    },
                },
            ],
        },
    },
    {
        "type": "multiple_choice",
        "id": "q-multi",
        "value": {
            "question": "When may you share it?",
            "points": 1,
            "choices": [
                {
                    "type": "item",
                    "id": "m-a",
                    "value": {"text": "With permission", "correct": True, "feedback": ""},
                },
                {
                    "type": "item",
                    "id": "m-b",
                    "value": {"text": "When someone is in danger", "correct": True, "feedback": ""},
                },
                {
                    "type": "item",
                    "id": "m-c",
                    "value": {
                        "text": "When a colleague asks",
                        "correct": False,
                        "feedback": "Curiosity is no reason.",
                    },
                },
            ],
        },
    },
    {
        "type": "true_false",
        "id": "q-tf",
        "value": {
            "question": "Greeting someone loudly about their treatment is fine.",
            "points": 1,
            "true": False,
            "feedback_right": "Right: others may hear.",
            "feedback_wrong": "Others may hear you.",
        },
    },
    {
        "type": "matching",
        "id": "q-match",
        "value": {
            "question": "Match each situation.",
            "points": 2,
            "pairs": [
                {
                    "type": "item",
                    "id": "p-1",
                    "value": {"left": "Risk of harm", "right": "Tell the supervisor"},
                },
                {
                    "type": "item",
                    "id": "p-2",
                    "value": {"left": "Nosy neighbour", "right": "Say it is private"},
                },
            ],
            "feedback": "Safety first.",
        },
    },
    {
        "type": "short_answer",
        "id": "q-short",
        "value": {
            "question": "Why does confidentiality matter?",
            "points": 2,
            "guidance": "Trust.",
        },
    },
]

ALL_RIGHT = {
    "q-single": "s-right",
    "q-multi": ["m-a", "m-b"],
    "q-tf": "false",
    "q-match": {"p-1": "Tell the supervisor", "p-2": "Say it is private"},
    "q-short": "Because people trust us.",
}


def make_quiz(questions=None, **fields):
    fields.setdefault("title", "Confidentiality check")
    fields.setdefault("pass_percent", 70)
    fields.setdefault("attempts_allowed", 3)
    return Quiz.objects.create(questions=questions or QUESTIONS, **fields)


def automatic_only(quiz_questions=QUESTIONS):
    return [q for q in quiz_questions if q["type"] != "short_answer"]


@pytest.fixture
def quiz(db):
    return make_quiz()


@pytest.fixture
def quiz_session(programme, quiz):
    """Session 1 of the programme, placing the quiz in its second activity."""
    return make_session(
        programme,
        number=1,
        title="Keeping things private",
        activities=[activity("Warm-up"), activity("Quick check", minutes=15, quiz=quiz.pk)],
    )


@pytest.fixture
def enrolment(cohort, trainee, quiz_session):
    return Enrolment.objects.get(cohort=cohort, trainee=trainee)


@pytest.fixture
def other_enrolment(cohort, other_trainee, quiz_session):
    return Enrolment.objects.get(cohort=cohort, trainee=other_trainee)


@pytest.fixture
def meeting(cohort, quiz_session):
    """The cohort meets for the quiz's session two days ago."""
    return make_scheduled_session(cohort, quiz_session, days_from_now=-2)


def add_trainees(cohort, count):
    made = []
    for _i in range(count):
        user = UserFactory(roles=[Role.TRAINEE], organisation=cohort.organisation)
        made.append(Enrolment.objects.create(cohort=cohort, trainee=user))
    return made
