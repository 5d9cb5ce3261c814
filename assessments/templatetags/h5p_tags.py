"""Small helpers for the H5P templates: a percent from a scaled score, and the cohort
page's summary of H5P activities (a fixed number of queries)."""

from django import template
from django.db.models import Count, Q

from training.models import Enrolment

from ..models import H5PResult

register = template.Library()


@register.filter
def h5p_percent(scaled):
    if scaled is None:
        return ""
    return round(scaled * 100)


@register.simple_tag
def cohort_h5p_summary(cohort):
    """``[{activity, session, completed, total}]`` for the H5P activities of the cohort's
    programme: three queries whatever the size of the cohort."""
    from ..views.h5p import programmes_h5p

    pairs = programmes_h5p([cohort.programme]).get(cohort.programme.pk, [])
    if not pairs:
        return []
    active = Q(enrolment__cohort=cohort) & ~Q(enrolment__status=Enrolment.Status.WITHDRAWN)
    done = dict(
        H5PResult.objects.filter(active, completed=True, activity__in=[a for _s, a in pairs])
        .values("activity_id")
        .annotate(n=Count("id"))
        .values_list("activity_id", "n")
    )
    total = cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).count()
    return [
        {"activity": a, "session": s, "completed": done.get(a.pk, 0), "total": total}
        for s, a in pairs
    ]
