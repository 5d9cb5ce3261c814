"""Quiz data for the trainer's cohort page, in three queries however big the cohort."""

from django import template
from django.db.models import Count
from django.urls import reverse

from ..models import QuizAnswer, QuizAttempt
from ..quizzes import programme_quizzes

register = template.Library()


@register.simple_tag
def cohort_quizzes(cohort):
    """The programme's quizzes with links to their overview and how many short answers of
    this cohort wait for marking."""
    found = programme_quizzes(cohort.programme)
    if not found:
        return []
    waiting = dict(
        QuizAnswer.objects.filter(
            attempt__enrolment__cohort=cohort,
            attempt__status=QuizAttempt.Status.NEEDS_MARKING,
            points__isnull=True,
        )
        .values_list("attempt__quiz_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "quiz": quiz,
            "session": session,
            "url": reverse("assessments:quiz_overview", args=[cohort.pk, quiz.pk]),
            "marking_url": reverse("assessments:quiz_marking", args=[cohort.pk, quiz.pk]),
            "to_mark": waiting.get(quiz.pk, 0),
        }
        for session, quiz in found
    ]
