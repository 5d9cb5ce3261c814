"""Signing in with the code of a login card, then choosing one's own password or PIN.

The trainee types their username and the card's code in the ordinary login form (the
"Password" box). ``SignInCodeBackend`` accepts a code once: while it is not used, stopped or
expired, and only for an account that is a trainee and nothing else. Using it:

- marks it used (one atomic update, so two devices cannot both use it);
- makes the account's old password unusable, which also ends every other login of the
  account (Django checks a hash of the password on each request);
- flags this login so ``ChooseSecretMiddleware`` sends every page to the page where the
  trainee chooses their own password or PIN (``training/views/sign_in.py``), and nothing
  else opens until they have.

So the code never opens a trainee's answers: whoever holds it gets only the choosing page,
and choosing ends any other login. Wrong codes fail like wrong passwords, so django-axes
(first in ``AUTHENTICATION_BACKENDS``) counts them and pauses the account after a few.

When someone logs in, they are told of any replacement card printed for them since they last
heard of one (``tell_about_cards``).

A PIN (6 digits or more, not a run or a repeat) is offered to trainees because many of them
log in on a phone, some with little reading or typing; it goes through the same login form
and the same limit on wrong tries, which makes guessing it from outside hopeless. Staff
accounts never get a code, so they never choose a PIN.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lms.roles import is_plain_trainee

from .models import SignInCode

# The session key that says this login came from a code and still has to choose a secret.
CHOOSE_SECRET = "training.choose_secret"
PIN_MIN_LENGTH = 6


def _code_shape(text):
    from .people import CODE_ALPHABET, CODE_GROUP, login_code_normalise

    code = login_code_normalise(text)
    ok = len(code) == CODE_GROUP * 2 and all(c in CODE_ALPHABET for c in code)
    return code if ok else None


class SignInCodeBackend(BaseBackend):
    """Django authentication backend for the one-time codes of login cards."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if kwargs.get("sign_in_codes") is False:
            # A check of someone's current password or PIN (``change_secret``): a card's
            # code is not one, and must not be spent there.
            return None
        code = _code_shape(password)
        if not username or code is None:
            return None
        username_field = get_user_model().USERNAME_FIELD
        candidates = list(
            SignInCode.objects.filter(**{f"user__{username_field}": username})
            .active()
            .select_related("user")[:3]
        )
        match = next((c for c in candidates if c.matches(code)), None)
        if match is None:
            if not candidates:
                # As long as a real check, so the time taken tells nothing about the account.
                make_password(code)
            return None
        user = match.user
        if not user.is_active or not is_plain_trainee(user):
            return None
        if match.kind == SignInCode.Kind.FIRST and (
            user.last_login is not None or user.has_usable_password()
        ):
            # A first card is for an account nobody has logged in to. If the trainee chose a
            # password meanwhile (by email, say), it must not replace it without them.
            return None
        with transaction.atomic():
            now = timezone.now()
            won = SignInCode.objects.filter(pk=match.pk).active(now=now).update(used_at=now)
            if not won:
                return None  # another device used it a moment ago
            # The old password stops working and every other login of the account ends.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        user.sign_in_code = match
        return user

    def get_user(self, user_id):
        User = get_user_model()
        return User._default_manager.filter(pk=user_id, is_active=True).first()


def _choose_url():
    return reverse("training:choose_secret")


def _open_paths():
    """Pages open while a secret is still to be chosen: the choosing page itself, logging
    out, the language and the display preferences (text size, contrast) for reading it.
    Asked only for a login that still has to choose, a few requests in all."""
    return {
        _choose_url(),
        reverse("logout"),
        reverse("set_language"),
        reverse("profiles:preferences"),
    }


class ChooseSecretMiddleware:
    """After a code, nothing opens until the trainee has chosen their password or PIN."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (
            session is not None
            and session.get(CHOOSE_SECRET)
            and user is not None
            and user.is_authenticated
        ):
            # ``path``, not ``path_info``: ``reverse`` and STATIC_URL carry the script prefix.
            path = request.path
            static = settings.STATIC_URL or "/static/"
            if path not in _open_paths() and not path.startswith(static):
                target = _choose_url()
                if request.method in ("GET", "HEAD") and path != reverse("home"):
                    target += "?" + urlencode({"next": request.get_full_path()})
                return redirect(target)
        return self.get_response(request)


# --- what the trainee chooses ----------------------------------------------------------------


def _is_run(digits):
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:], strict=False)}
    return steps in ({1}, {9})


def _is_repeat(digits):
    for size in (1, 2, 3):
        block = digits[:size]
        if len(digits) > size and (block * len(digits))[: len(digits)] == digits:
            return True
    return False


def validate_pin(pin):
    """A PIN: numbers only, 6 or more, not all one number, not a run (123456, 987654), not a
    short repeat (121212, 123123)."""
    if not re.fullmatch(r"[0-9]+", pin or ""):
        raise ValidationError(_("A PIN has numbers only, no letters or spaces."), code="digits")
    if len(pin) < PIN_MIN_LENGTH:
        raise ValidationError(
            _("Use at least %(count)s numbers.") % {"count": PIN_MIN_LENGTH}, code="short"
        )
    if _is_repeat(pin) or _is_run(pin):
        raise ValidationError(
            _(
                "This PIN is too easy to guess. Do not use the same number again and again, "
                "or numbers in a row like 123456. Mix them up."
            ),
            code="simple",
        )


def secret_chosen(request, *, user, secret):
    """Save someone's new password or PIN and let this login go everywhere again.

    Django's password hash, like any password. This login carries on with the new secret;
    every other login of the account ends (after a code they ended already; when someone
    changes their secret from their account page, ``change_secret``, they end here, because
    Django checks a hash of the password on each request)."""
    from django.contrib.auth import update_session_auth_hash

    user.set_password(secret)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    request.session.pop(CHOOSE_SECRET, None)


# --- telling the trainee ---------------------------------------------------------------------


def card_sentence(card):
    """One card of the log in plain words, as the trainee reads it."""
    values = {
        "name": card.printed_by_name or _("someone"),
        "date": formats.date_format(timezone.localtime(card.printed_at), "j F Y"),
    }
    if card.kind == SignInCode.Kind.REPLACEMENT:
        text = (
            _(
                "A replacement login card was printed for you by %(name)s on %(date)s. "
                "%(name)s said you were with them and asked for it."
            )
            % values
        )
    else:
        text = _("A login card was printed for you by %(name)s on %(date)s.") % values
    status = card.status
    when = {
        "used": card.used_at,
        "replaced": card.cancelled_at,
        "stopped": card.cancelled_at,
        "expired": card.expires_at,
        "waiting": card.expires_at,
    }[status]
    day = formats.date_format(timezone.localtime(when), "j F Y")
    follow = {
        "used": _("It was used on %(day)s."),
        "replaced": _("It stopped working on %(day)s, when a newer card was printed."),
        "stopped": _("You stopped it on %(day)s."),
        "expired": _("It was not used. It stopped working on %(day)s."),
        "waiting": _("It has not been used yet. It works until %(day)s."),
    }[status] % {"day": day}
    return f"{text} {follow}"


def tell_about_cards(sender, request, user, **kwargs):
    """As someone logs in: start the choosing step after a code, and tell them of replacement
    cards printed for them that they have not heard of."""
    used = getattr(user, "sign_in_code", None)
    if request is None or not hasattr(request, "session"):
        return
    if used is not None:
        request.session[CHOOSE_SECRET] = used.pk
    untold = SignInCode.objects.filter(
        user=user, kind=SignInCode.Kind.REPLACEMENT, trainee_told_at__isnull=True
    )
    if used is not None:
        untold = untold.exclude(pk=used.pk)
    cards = list(untold)
    for card in cards:
        text = card_sentence(card)
        if card.is_waiting:
            text += " " + _(
                "If you did not ask for it, stop it on your account page and tell the organisation."
            )
        messages.warning(request, text, fail_silently=True)
    if cards:
        SignInCode.objects.filter(pk__in=[c.pk for c in cards]).update(
            trainee_told_at=timezone.now()
        )


def connect_receivers():
    user_logged_in.connect(tell_about_cards, dispatch_uid="training.sign_in.tell_about_cards")
