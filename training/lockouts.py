"""Trainees whose account is paused after too many wrong passwords or codes, and opening it
again.

django-axes pauses an account (``AXES_*`` settings) for a while after a few wrong tries. A
trainee who mistyped their PIN at the start of a session should not wait fifteen minutes in
front of the group: the staff who run the cohort see who is paused on the cohort page and can
open the account again at once. Opening it only clears the count of wrong tries; it sets,
shows and learns no password.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def paused_usernames(usernames):
    """The user names among ``usernames`` that are paused now. One query."""
    usernames = [name for name in usernames if name]
    if not usernames:
        return set()
    attempts = AccessAttempt.objects.filter(username__in=usernames)
    cool_off = settings.AXES_COOLOFF_TIME
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return {
        row["username"]
        for row in attempts.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .order_by()
        if row["failures"] >= settings.AXES_FAILURE_LIMIT
    }


def account_unpause(*, user):
    """Clear the wrong tries counted against ``user``'s account; returns how many records
    were removed."""
    return reset(username=user.get_username())
