"""``{% online_activities page user as items %}``: what a trainee can do online for one
session plan (its quizzes, interactive H5P activities and self-assessment), with links for
their enrolment in a cohort of the session's programme.

A fixed number of queries whatever the session holds: the enrolment, then one each for the
quizzes, H5P activities, the self-assessment and the trainee's results.
"""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from training.models import Enrolment

from ..models import H5PActivity, H5PResult, Quiz, QuizResult, SelfAssessment

register = template.Library()


@dataclass
class OnlineActivity:
    kind: str  # "quiz", "h5p" or "self_assessment"
    title: str
    url: str
    status: str = ""
    done: bool = False


def _placed(page, key):
    ids = []
    for item in page.activities.raw_data:
        value = item.get("value") or {}
        if item.get("type") == "activity" and value.get(key):
            pk = int(value[key])
            if pk not in ids:
                ids.append(pk)
    return ids


def _enrolment(page, user):
    if not getattr(user, "is_authenticated", False):
        return None
    programme = page.programme
    if programme is None:
        return None
    return (
        Enrolment.objects.filter(
            trainee=user,
            cohort__programme_id=programme.pk,
            status__in=[Enrolment.Status.INVITED, Enrolment.Status.ACTIVE],
        )
        .order_by("-enrolled_at")
        .first()
    )


def _quiz_status(result):
    if result is None or not result.attempts:
        return _("Not started"), False
    if result.passed:
        return _("Passed"), True
    if result.percent is None:
        return _("Waiting for your trainer to mark it"), False
    return _("Not passed yet"), False


def _h5p_status(result):
    if result is None:
        return _("Not started"), False
    if result.passed:
        return _("Passed"), True
    if result.completed:
        return _("Done"), True
    return _("Started"), False


@register.simple_tag
def online_activities(page, user):
    enrolment = _enrolment(page, user)
    if enrolment is None:
        return []
    items = []
    quiz_ids = _placed(page, "quiz")
    if quiz_ids:
        quizzes = Quiz.objects.in_bulk(quiz_ids)
        results = {
            r.quiz_id: r
            for r in QuizResult.objects.filter(enrolment=enrolment, quiz_id__in=quiz_ids)
        }
        for pk in quiz_ids:
            if pk in quizzes:
                status, done = _quiz_status(results.get(pk))
                url = reverse("assessments:quiz", args=[enrolment.pk, pk])
                items.append(OnlineActivity("quiz", quizzes[pk].title, url, status, done))
    h5p_ids = _placed(page, "h5p")
    if h5p_ids:
        activities = H5PActivity.objects.only("id", "title").in_bulk(h5p_ids)
        results = {
            r.activity_id: r
            for r in H5PResult.objects.filter(enrolment=enrolment, activity_id__in=h5p_ids)
        }
        for pk in h5p_ids:
            if pk in activities:
                status, done = _h5p_status(results.get(pk))
                url = reverse("assessments:h5p_play", args=[enrolment.pk, pk])
                items.append(OnlineActivity("h5p", activities[pk].title, url, status, done))
    if SelfAssessment.objects.filter(session_plan_id=page.pk).exists():
        items.insert(
            0,
            OnlineActivity(
                "self_assessment",
                _("How sure do you feel? (before and after the session)"),
                reverse("assessments:self_assessment", args=[enrolment.pk, page.pk]),
            ),
        )
    return items
