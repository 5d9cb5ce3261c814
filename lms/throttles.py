"""Limits on how often one address may try to get in.

django-axes pauses an *account* after a few wrong passwords or codes (settings ``AXES_*``).
That does not stop one address from trying a few guesses on many accounts, nor from asking
for password-reset emails without end, so the forms that take a secret or send a reset are
also limited per address here (django-ratelimit, counted in the shared cache). The limits are
loose enough for a room of trainees behind one router logging in at the start of a session.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def _too_many(request):
    return render(request, "registration/too_many_tries.html", status=429)


def limit_posts(*, rates):
    """Refuse a POST with a plain page (429) once any of ``rates`` is used up.

    ``rates`` is a list of ``(group, key, setting name)``: the group names the counter, the
    key is django-ratelimit's (``"ip"``, ``"post:email"``...), the setting holds the rate
    (``"10/h"``), read on each request so tests and sites can change it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                for group, key, setting in rates:
                    if is_ratelimited(
                        request,
                        group=group,
                        key=key,
                        rate=getattr(settings, setting),
                        method="POST",
                        increment=True,
                    ):
                        return _too_many(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


login_limited = limit_posts(rates=[("login", "ip", "LOGIN_RATE_PER_ADDRESS")])
password_reset_limited = limit_posts(
    rates=[
        ("password-reset", "ip", "PASSWORD_RESET_RATE_PER_ADDRESS"),
        ("password-reset-email", "post:email", "PASSWORD_RESET_RATE_PER_EMAIL"),
    ]
)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once an account is paused (``AXES_LOCKOUT_CALLABLE``): a plain
    page that says how long to wait and who can help, the same whether or not the account
    exists, so it tells nobody which user names are real."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Cache-Control"] = "no-store"
    return response
