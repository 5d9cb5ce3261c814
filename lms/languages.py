"""Which language a person reads the site in.

Django's ``LocaleMiddleware`` picks the language a person chose themselves (the language
cookie, set through Django's ``set_language`` view by the switcher at the foot of the login
page and of every page once logged in) or else their browser's. For trainees the browser
is a poor guide: many use a phone or a shared computer set to another language, while
their cohort is run in one language that they chose when they enrolled. So a trainee who
has not chosen a language reads the site in the language of their cohort. Staff keep
their own choice or their browser's: a trainer of a Dutch cohort may prefer English.

Curriculum pages follow the same language: see ``lms.page_translations``.
"""

from django.conf import settings
from django.db import models
from django.utils import translation

from .roles import Role, home_role


def supported(code):
    """``code`` as one of the site's languages (``nl-BE`` becomes ``nl``), or None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def chosen_language(request):
    """The language this person picked on the switcher, if they picked one."""
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def _roles_and_cohort_language(user):
    """The user's roles and the language of their current cohort (the one they joined most
    recently and did not leave), in one query: the role names, each row carrying the
    language. The roles are remembered where ``lms.roles.user_roles`` keeps them, so the
    page, which asks for them anyway, pays nothing more; the language is remembered too."""
    from training.models import Enrolment

    latest = (
        Enrolment.objects.filter(trainee_id=user.pk)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .order_by("-enrolled_at", "-pk")
        .values("cohort__language")[:1]
    )
    rows = list(
        user.groups.annotate(cohort_language=models.Subquery(latest)).values_list(
            "name", "cohort_language"
        )
    )
    if getattr(user, "_lms_roles", None) is None:
        names = {name for name, _language in rows}
        user._lms_roles = frozenset(role for role in Role if role.value in names)
    user._lms_cohort_language = supported(rows[0][1]) if rows else None


def cohort_language(user):
    """The language of the trainee's current cohort, or None. Remembered on the user
    object for the rest of the request, as ``lms.roles.user_roles`` does."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_lms_cohort_language"):
        _roles_and_cohort_language(user)
    return user._lms_cohort_language


def reads_in_cohort_language(user):
    """Trainees read in their cohort's language; staff (anyone whose home page is made for
    another role, superusers included) do not."""
    return getattr(user, "is_authenticated", False) and home_role(user) == Role.TRAINEE


def language_for(request):
    """The language to show this request in, when it should differ from what Django's
    ``LocaleMiddleware`` chose; None to leave that choice alone."""
    if chosen_language(request):
        return None
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    language = cohort_language(user)  # one query, which also reads the user's roles
    if language is None or not reads_in_cohort_language(user):
        return None
    return language


class CohortLanguageMiddleware:
    """Shows a trainee the site in their cohort's language unless they chose one.

    Goes after ``AuthenticationMiddleware`` (it needs the user) and after Django's
    ``LocaleMiddleware`` (whose choice it overrides). Costs one query for a logged-in
    person, which also reads their roles: pages that show the menu for a role (every
    page built on the base template) ask for those anyway, so those pay nothing more.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        if language and language != translation.get_language():
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
