"""Template tags that let other apps' pages show what an adapted cohort needs, each with one
tag: the display classes on ``<html>``, the plans on the trainee home, and the question
asked before a story with content notes."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from .. import display, selectors
from ..models import StoryChoice

register = template.Library()


@register.simple_tag(takes_context=True)
def display_classes(context):
    """The person's display preferences as classes, read from the session (no query)."""
    return display.html_classes(context.get("request"))


@register.simple_tag(takes_context=True)
def plans_to_share(context):
    """The trainee's shared visual schedules: from the home page's progress cards when the
    page has them (no query unless a cohort has a profile), else looked up."""
    cards = context.get("progress_cards")
    if cards is not None:
        return selectors.plans_from_cards(cards)
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return []
    return selectors.plans_to_share(user)


@register.simple_tag(takes_context=True)
def story_gate(context, scenario, cohort=None, enrolment=None):
    """What to show before ``scenario`` for the trainee of ``enrolment`` when their cohort's
    profile asks first: a dict with the notes, the trainee's choice and the page where they
    choose, or None when the page should show the story as usual."""
    enrolment = enrolment or context.get("enrolment")
    cohort = cohort or getattr(enrolment, "cohort", None)
    if scenario is None or cohort is None or enrolment is None:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    # Only the trainee chooses for themselves; a trainer reading along sees the page as usual.
    if user is None or enrolment.trainee_id != user.pk:
        return None
    profile = cohort.profile
    if profile is None or not profile.show_content_notes:
        return None
    notes = list(scenario.content_notes.all())
    if not notes:
        return None
    url = reverse("profiles:story", args=[cohort.pk, scenario.pk])
    url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return {
        "notes": notes,
        "choice": StoryChoice.objects.filter(enrolment=enrolment, scenario=scenario).first(),
        "url": url,
    }
