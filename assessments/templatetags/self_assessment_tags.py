"""Data for the self-assessment part of the trainer's cohort page, in one query."""

from django import template

register = template.Library()


@register.simple_tag
def self_assessment_plans(cohort):
    """The programme's live session plans that have a self-assessment, in teaching order."""
    from curriculum.models import SessionPlanPage

    return list(
        SessionPlanPage.objects.child_of(cohort.programme)
        .live()
        .filter(self_assessment__isnull=False)
        .order_by("number", "path")
    )
