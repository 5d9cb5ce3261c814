"""How long a login lasts when nobody uses it.

Trainees write about addiction, prison and mental health, often on a computer in a community
centre or a library. A login that lasts two weeks leaves all of that open to the next person
at the keyboard. So a login ends:

- after ``SESSION_IDLE_MINUTES_TRAINEE`` minutes without a request for a trainee, and
  ``SESSION_IDLE_MINUTES_STAFF`` for anyone else (staff pages open whole cohorts);
- in any case ``SESSION_COOKIE_AGE`` after it began (set in the settings), and when the
  browser closes where the settings say so.

Autosaves count as activity, so someone writing a long answer is never logged out mid-sentence;
an answer typed after a timeout stays in the page (and the browser) until they log in again.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

from .roles import is_plain_trainee

LAST_SEEN = "lms.last_seen"
IDLE_MINUTES = "lms.idle_minutes"
# The session is written at most this often to record activity: one write per request would
# cost a database write on every page.
REFRESH_SECONDS = 60


def idle_minutes(user):
    if is_plain_trainee(user):
        return settings.SESSION_IDLE_MINUTES_TRAINEE
    return settings.SESSION_IDLE_MINUTES_STAFF


def start_idle_clock(sender, request, user, **kwargs):
    """On every login (``user_logged_in``): the person's idle limit, decided once, and the
    first moment of activity, both kept in the session. Reading them costs no query on later
    requests, and the login's own request has already written the session."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[IDLE_MINUTES] = idle_minutes(user)
    request.session[LAST_SEEN] = int(time.time())


class IdleTimeoutMiddleware:
    """Logs out a login that has not been used for its idle limit, then lets the request go on
    as an anonymous one: pages send the person to the login page (with a message saying why),
    and autosaves get the same answer as for any expired login, so the page keeps the text."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            minutes = request.session.get(IDLE_MINUTES) or idle_minutes(user)
            if last is not None and now - int(last) > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    _(
                        "You were logged out because the page was not used for %(minutes)s "
                        "minutes. This keeps your answers private. Please log in again."
                    )
                    % {"minutes": minutes},
                )
            elif last is None or now - int(last) >= REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
