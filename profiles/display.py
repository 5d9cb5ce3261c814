"""How the pages look for each person, as classes on ``<html>`` (profiles/static/display.css).

The choice is stored per person (``DisplayPreferences``); someone who has not chosen gets
the defaults of their cohort's adaptation profile. The classes are kept in the session when
a person logs in or saves, so every page reads them without a database query.
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import DisplayPreferences, LineSpacing, TextSize

SESSION_KEY = "profiles.display_classes"

DEFAULTS = {
    "text_size": TextSize.NORMAL,
    "line_spacing": LineSpacing.NORMAL,
    "reduced_motion": False,
    "high_contrast": False,
}


def profile_for(user):
    """The adaptation profile of the person's current cohort, or None.

    A trainee in several cohorts gets the profile of the most recent one that has one.
    """
    from training.models import Enrolment

    enrolment = (
        Enrolment.objects.filter(trainee=user, cohort__profile__isnull=False)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("cohort__profile")
        .order_by("-cohort__starts_on", "-pk")
        .first()
    )
    return enrolment.cohort.profile if enrolment else None


def preferences_for(user):
    """What the person chose, else their profile's defaults, else the site's: a dict with
    the fields of ``DisplayPreferences``, and ``saved`` telling whether they chose."""
    saved = DisplayPreferences.objects.filter(user=user).first()
    if saved is not None:
        return {**saved.as_dict(), "saved": True}
    profile = profile_for(user)
    if profile is not None:
        return {**profile.display_defaults(), "saved": False}
    return {**DEFAULTS, "saved": False}


def classes_for(preferences):
    """The classes for ``<html>``: only those that change something, so a page for
    someone with the defaults carries none."""
    classes = []
    if preferences.get("text_size") in (TextSize.LARGE, TextSize.LARGER):
        classes.append(f"text-{preferences['text_size']}")
    if preferences.get("line_spacing") in (LineSpacing.WIDE, LineSpacing.WIDER):
        classes.append(f"spacing-{preferences['line_spacing']}")
    if preferences.get("reduced_motion"):
        classes.append("reduce-motion")
    if preferences.get("high_contrast"):
        classes.append("high-contrast")
    return " ".join(classes)


def remember(request, preferences):
    classes = classes_for(preferences)
    if hasattr(request, "session"):
        request.session[SESSION_KEY] = classes
    return classes


def html_classes(request):
    """The classes for this request's ``<html>``: from the session, or worked out once."""
    if request is None:
        return ""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        return session[SESSION_KEY]
    return remember(request, preferences_for(user))


@receiver(user_logged_in, dispatch_uid="profiles.remember_display_on_login")
def remember_display_on_login(sender, request, user, **kwargs):
    if request is not None:
        remember(request, preferences_for(user))
