"""Small data for pages other modules own: the trainer's cohort page and the evaluation
lead's home. Each tag costs a fixed number of queries."""

from django import template
from django.db.models import Count, Q

from ..evaluation import cohorts_for_evaluation, consented
from ..models import EvaluationInvitation, EvaluationResponse, EvaluationSchedule

register = template.Library()


@register.simple_tag
def evaluation_cohort_counts(cohort):
    """Per questionnaire and point in time: how many were asked and how many answered.
    Counts only, never answers or names. One query."""
    rows = (
        EvaluationInvitation.objects.filter(enrolment__cohort=cohort)
        .values("schedule__instrument__name", "timepoint")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(response__isnull=False)),
        )
        .order_by("schedule__instrument__name", "timepoint")
    )
    labels = dict(EvaluationInvitation.Timepoint.choices)
    order = {value: index for index, value in enumerate(labels)}
    return sorted(
        (
            {
                "instrument": row["schedule__instrument__name"],
                "timepoint": labels.get(row["timepoint"], row["timepoint"]),
                "order": order.get(row["timepoint"], 9),
                "asked": row["asked"],
                "answered": row["answered"],
            }
            for row in rows
        ),
        key=lambda row: (row["instrument"], row["order"]),
    )


@register.simple_tag
def evaluation_lead_overview(user):
    """For the evaluation lead's home: each programme with a schedule in their cohorts, and
    how many of their people answered before and after. Three queries."""
    cohorts = cohorts_for_evaluation(user)
    programme_ids = set(cohorts.values_list("programme_id", flat=True))
    schedules = list(
        EvaluationSchedule.objects.filter(programme_id__in=programme_ids)
        .select_related("programme", "instrument")
        .order_by("programme__title", "instrument__name")
    )
    counts = {
        (
            row["instrument_id"],
            row["invitation__enrolment__cohort__programme_id"],
            row["invitation__timepoint"],
        ): row["n"]
        for row in EvaluationResponse.objects.filter(invitation__enrolment__cohort__in=cohorts)
        .filter(consented("invitation__enrolment__trainee_id"))
        .values(
            "instrument_id", "invitation__enrolment__cohort__programme_id", "invitation__timepoint"
        )
        .annotate(n=Count("pk"))
    }
    programmes = {}
    for schedule in schedules:
        entry = programmes.setdefault(
            schedule.programme_id, {"programme": schedule.programme, "instruments": {}}
        )
        key = (schedule.instrument_id, schedule.programme_id)
        entry["instruments"][schedule.instrument_id] = {
            "instrument": schedule.instrument,
            "before": counts.get((*key, "pre"), 0),
            "after": counts.get((*key, "post"), 0),
            "follow_up": counts.get((*key, "follow_up"), 0),
        }
    return [
        {"programme": entry["programme"], "instruments": list(entry["instruments"].values())}
        for entry in programmes.values()
    ]
