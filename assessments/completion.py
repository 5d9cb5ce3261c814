"""What assessments add to a programme's completion rule.

``assessment_requirements`` is registered with ``training.completion`` (see ``apps.py``) and
called once per programme for a whole batch of enrolments. It reads in bulk: the rule, the
programme's live session plans with their self-assessments, then (only when something is
required) the quizzes, H5P activities, results, outcomes and ratings, one query each.

- Quizzes and H5P activities count when the rule's ``assessments`` is "taken" or "passed":
  every quiz or activity placed in an activity of a live session plan, each once.
  A quiz is taken when it has an attempt on its result, passed when the result passed.
  An H5P activity is taken when completed, passed when its result passed, or when it was
  completed and the activity has no pass mark.
- Self-assessments count when the rule's ``self_assessments`` is on and the session's
  self-assessment ``counts_towards_completion``: done when every outcome has a "before" and
  an "after" rating.

The receivers at the end recompute an enrolment whenever one of its results changes.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext as _

from training.completion import (
    RequirementResult,
    recompute_after_commit,
    register_requirement_provider,
    rule_for,
)
from training.models import CompletionRule

Requirement = CompletionRule.AssessmentRequirement


class LeftText(str):
    """A "what is left" sentence that also knows where to do it.

    ``RequirementResult.left`` holds plain strings and ``training.completion.what_is_left``
    turns each into a ``LeftItem`` without a link. A ``str`` with a ``url`` keeps working
    there unchanged and lets that code link it with one line:
    ``LeftItem(text, "requirement", url=getattr(text, "url", ""))``.
    """

    url = ""

    def __new__(cls, text, url=""):
        made = super().__new__(cls, text)
        made.url = url
        return made


def _used_in_plans(plans):
    """``(plan, kind, id)`` for every quiz and H5P activity placed in the plans' activities,
    in teaching order, each once (in the first session that uses it)."""
    seen, used = set(), []
    for plan in plans:
        for item in plan.activities.raw_data:
            if item.get("type") != "activity":
                continue
            value = item.get("value") or {}
            for kind in ("quiz", "h5p"):
                pk = value.get(kind)
                if pk and (kind, int(pk)) not in seen:
                    seen.add((kind, int(pk)))
                    used.append((plan, kind, int(pk)))
    return used


def _self_assessment_of(plan):
    try:
        return plan.self_assessment
    except ObjectDoesNotExist:  # this plan has no self-assessment
        return None


def assessment_requirements(programme, enrolments):
    """``{enrolment_id: RequirementResult}`` for the programme's quizzes, H5P activities
    and self-assessments, as its completion rule asks."""
    from curriculum.models import SessionLearningOutcome

    from .models import H5PActivity, H5PResult, Quiz, QuizResult, SelfRating

    rule = _rule_of(programme)
    scored = rule.assessments in (Requirement.TAKEN, Requirement.PASSED)
    if not scored and not rule.self_assessments:
        return {}
    # The plans with their self-assessment in one query (a reverse one-to-one join).
    plans = _plans_with_self_assessments(programme)
    ids = [e.pk for e in enrolments]

    quizzes, activities, quiz_results, h5p_results = {}, {}, {}, {}
    used = _used_in_plans(plans) if scored else []
    quiz_ids = [pk for _plan, kind, pk in used if kind == "quiz"]
    h5p_ids = [pk for _plan, kind, pk in used if kind == "h5p"]
    if quiz_ids:
        quizzes = Quiz.objects.only("id", "title").in_bulk(quiz_ids)
        quiz_results = {
            (r.enrolment_id, r.quiz_id): r
            for r in QuizResult.objects.filter(enrolment_id__in=ids, quiz_id__in=quizzes).only(
                "id", "enrolment_id", "quiz_id", "attempts", "passed"
            )
        }
    if h5p_ids:
        activities = H5PActivity.objects.only("id", "title", "pass_percent").in_bulk(h5p_ids)
        h5p_results = {
            (r.enrolment_id, r.activity_id): r
            for r in H5PResult.objects.filter(
                enrolment_id__in=ids, activity_id__in=activities
            ).only("id", "enrolment_id", "activity_id", "completed", "passed")
        }

    self_assessments = []
    if rule.self_assessments:
        self_assessments = [
            (plan, sa)
            for plan in plans
            if (sa := _self_assessment_of(plan)) is not None and sa.counts_towards_completion
        ]
    outcome_counts, rated = {}, {}
    if self_assessments:
        plan_ids = [plan.pk for plan, _sa in self_assessments]
        outcome_ids = {}
        for outcome_id, page_id in SessionLearningOutcome.objects.filter(
            page_id__in=plan_ids
        ).values_list("id", "page_id"):
            outcome_ids.setdefault(page_id, set()).add(outcome_id)
        outcome_counts = {page_id: len(found) for page_id, found in outcome_ids.items()}
        # How many of the plan's current outcomes each trainee rated, per phase.
        for row in (
            SelfRating.objects.filter(
                enrolment_id__in=ids,
                self_assessment__in=[sa for _plan, sa in self_assessments],
                outcome_id__in={pk for found in outcome_ids.values() for pk in found},
            )
            .values("enrolment_id", "self_assessment_id", "phase")
            .annotate(n=Count("id"))
        ):
            rated[(row["enrolment_id"], row["self_assessment_id"], row["phase"])] = row["n"]

    passed_needed = rule.assessments == Requirement.PASSED
    results = {}
    for enrolment in enrolments:
        result = RequirementResult()
        for _plan, kind, pk in used:
            if kind == "quiz" and pk in quizzes:
                quiz = quizzes[pk]
                found = quiz_results.get((enrolment.pk, pk))
                done = found is not None and (found.passed if passed_needed else found.attempts > 0)
                text = (
                    _("Pass the quiz %(title)s") if passed_needed else _("Take the quiz %(title)s")
                ) % {"title": quiz.title}
                url = reverse("assessments:quiz", args=[enrolment.pk, pk])
            elif kind == "h5p" and pk in activities:
                activity = activities[pk]
                found = h5p_results.get((enrolment.pk, pk))
                done = found is not None and (
                    (found.passed or (activity.pass_percent is None and found.completed))
                    if passed_needed
                    else found.completed
                )
                if passed_needed and activity.pass_percent is not None:
                    text = _("Finish the activity %(title)s with at least %(percent)s%%") % {
                        "title": activity.title,
                        "percent": activity.pass_percent,
                    }
                else:
                    text = _("Finish the activity %(title)s") % {"title": activity.title}
                url = reverse("assessments:h5p_play", args=[enrolment.pk, pk])
            else:
                continue  # placed in a plan, then deleted: nothing to do
            result.required += 1
            if done:
                result.passed += 1
            else:
                result.left.append(LeftText(text, url))
        for plan, sa in self_assessments:
            needed = outcome_counts.get(plan.pk, 0)
            if not needed:
                continue  # no statements to rate: nothing to ask of the trainee
            before = rated.get((enrolment.pk, sa.pk, "before"), 0) >= needed
            after = rated.get((enrolment.pk, sa.pk, "after"), 0) >= needed
            result.required += 1
            if before and after:
                result.passed += 1
                continue
            words = (
                _("Fill in the self-assessment after session %(number)s")
                if before
                else _("Fill in the self-assessment before session %(number)s")
            )
            url = reverse("assessments:self_assessment", args=[enrolment.pk, plan.pk])
            if before:
                url += "?phase=after"
            result.left.append(LeftText(words % {"number": plan.number}, url))
        if result.required:
            results[enrolment.pk] = result
    return results


def _rule_of(programme):
    """The programme's rule. ``progress_for`` loads every rule before calling providers and
    sets ``rule.programme``, which caches the rule on the programme (a one-to-one), so pages
    read it from there instead of asking again; called on its own it costs one query."""
    field = CompletionRule._meta.get_field("programme")
    if field.remote_field.is_cached(programme):
        rule = field.remote_field.get_cached_value(programme)
        if rule is not None:
            return rule
    return rule_for(programme)


def _plans_with_self_assessments(programme):
    from curriculum.models import SessionPlanPage

    return list(
        SessionPlanPage.objects.child_of(programme)
        .live()
        .select_related("self_assessment")
        .order_by("number", "path")
    )


# --- keeping stored progress up to date ------------------------------------------------------


def on_result_changed(sender, instance, raw=False, **kwargs):
    """A quiz or H5P result or a self-rating changed: recompute that trainee, once the
    transaction commits. Saves that go through ``.save()`` or ``.delete()`` land here even
    if their code forgets ``progress_inputs_changed``; bulk writes send that signal instead
    (``self_assessment.record_ratings`` does)."""
    if not raw:
        recompute_after_commit(enrolment_ids=[instance.enrolment_id])


def on_self_assessment_changed(sender, instance, raw=False, **kwargs):
    """Turning a self-assessment on or off, or whether it counts, changes what the
    programme requires: recompute its programme."""
    if raw:
        return
    from curriculum.models import SessionPlanPage

    # Read again rather than through the instance: on a cascade the plan may be going too,
    # and then the session plan's own receiver recomputes the programme.
    plan = SessionPlanPage.objects.filter(pk=instance.session_plan_id).first()
    parent = plan.get_parent() if plan is not None else None
    if parent is not None:
        recompute_after_commit(programme_ids=[parent.pk])


def on_h5p_activity_saved(sender, instance, raw=False, created=False, **kwargs):
    """A pass mark added or removed changes whether a completed activity counts."""
    if raw or created:
        return
    from .models import H5PResult

    ids = list(H5PResult.objects.filter(activity=instance).values_list("enrolment_id", flat=True))
    if ids:
        recompute_after_commit(enrolment_ids=ids)


def connect():
    from .models import H5PActivity, H5PResult, QuizResult, SelfAssessment, SelfRating

    register_requirement_provider(assessment_requirements)
    for model in (QuizResult, H5PResult, SelfRating):
        name = model._meta.model_name
        post_save.connect(
            on_result_changed, sender=model, dispatch_uid=f"assessments.completion.{name}"
        )
        post_delete.connect(
            on_result_changed, sender=model, dispatch_uid=f"assessments.completion.{name}_deleted"
        )
    post_save.connect(
        on_self_assessment_changed,
        sender=SelfAssessment,
        dispatch_uid="assessments.completion.self_assessment",
    )
    post_delete.connect(
        on_self_assessment_changed,
        sender=SelfAssessment,
        dispatch_uid="assessments.completion.self_assessment_deleted",
    )
    post_save.connect(
        on_h5p_activity_saved, sender=H5PActivity, dispatch_uid="assessments.completion.h5p"
    )
