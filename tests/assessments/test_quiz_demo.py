"""The demo quiz: placed in the demo session, with attempts that show each state."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import demo_quizzes
from assessments.models import Quiz, QuizAnswer, QuizAttempt, QuizResult
from assessments.quizzes import programme_quizzes
from tests import demo_pages
from training.models import Enrolment


def snapshot():
    # The original quiz: the demo adaptation has a copy with the same title.
    quiz = Quiz.objects.filter(title=demo_quizzes.QUIZ["title"]).order_by("pk").first()
    return {
        "quizzes": Quiz.objects.count(),
        "questions": len(quiz.questions.raw_data),
        "attempts": sorted(
            (a.enrolment.trainee.username, a.number, a.status, str(a.score), a.passed)
            for a in QuizAttempt.objects.filter(quiz=quiz).select_related("enrolment__trainee")
        ),
        "results": sorted(
            (r.enrolment.trainee.username, r.percent, r.passed)
            for r in QuizResult.objects.filter(quiz=quiz).select_related("enrolment__trainee")
        ),
        "answers": QuizAnswer.objects.filter(attempt__quiz=quiz).count(),
    }


@pytest.mark.django_db
def test_the_demo_quiz_loads_twice_to_the_same_data(client):
    call_command("load_demo", verbosity=0)
    quiz = demo_quizzes.load()
    first = snapshot()
    demo_quizzes.load()
    assert snapshot() == first

    kinds = [item["type"] for item in quiz.questions.raw_data]
    assert kinds == ["single_choice", "multiple_choice", "true_false", "matching", "short_answer"]
    programme = demo_pages.programme()
    placed = [(session.number, q.pk) for session, q in programme_quizzes(programme)]
    assert placed == [(2, quiz.pk)]

    states = {name: (status, passed) for name, _n, status, _s, passed in first["attempts"]}
    assert states == {
        "mark": ("marked", True),
        "yazid": ("marked", False),
        "an": ("needs_marking", None),
    }
    assert "marie" not in states

    # Marie opens the quiz from the demo session page and can start it.
    marie = Enrolment.objects.get(trainee__username="marie", cohort__name="Kent, spring 2027")
    client.force_login(marie.trainee)
    session = next(s for s, _q in programme_quizzes(programme))
    html = client.get(session.url).content.decode()
    url = reverse("assessments:quiz", args=[marie.pk, quiz.pk])
    assert url in html
    assert "Start the quiz" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_demo_survives_load_demo_running_again():
    call_command("load_demo", verbosity=0)
    demo_quizzes.load()
    call_command("load_demo", verbosity=0)  # rewrites the session's activities
    demo_quizzes.load()
    programme = demo_pages.programme()
    assert len(programme_quizzes(programme)) == 1
    # The original and the demo adaptation's copy, each once.
    assert Quiz.objects.filter(title=demo_quizzes.QUIZ["title"]).count() == 2
