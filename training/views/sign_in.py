"""Pages of one's own way in: choosing a password or PIN after a login card's code, changing
it later, and the email address a new one may be sent to (confirming it from the link sent
to it, or saying that the address on file is one's own).

The rules live in ``training.sign_in`` (codes, PINs) and ``training.people`` (email).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lms.next_page import next_page
from lms.throttles import limit_posts

from .. import people
from ..forms import CurrentSecretForm, NewPasswordForm, PinForm
from ..models import SignInCode
from ..sign_in import CHOOSE_SECRET, secret_chosen

# When this login last typed its current password or PIN on ``change_secret``, and for how
# long that lets it choose a new one.
SECRET_RECHECKED_AT = "training.secret_rechecked_at"
SECRET_RECHECK_MINUTES = 10


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def choose_secret(request):
    """Right after a login card's code: the trainee chooses a PIN or a password, and nothing
    else opens until they have (``ChooseSecretMiddleware``). Reached any other way, it sends
    people home: it is no way to change a password without knowing it."""
    code_id = request.session.get(CHOOSE_SECRET)
    if not code_id:
        return redirect("home")
    user = request.user
    kind = request.POST.get("kind") if request.method == "POST" else None
    pin_form, password_form = _choose_forms(request, user, kind)
    chosen = {"pin": pin_form, "password": password_form}.get(kind)
    if chosen is not None and chosen.is_valid():
        secret_chosen(request, user=user, secret=chosen.cleaned_data["secret"])
        _tell_saved(request, kind)
        if people.email_needs_confirming(user):
            # Say which address is on file: a staff member typed it, so until the trainee
            # confirms it is theirs no new password goes to it.
            query = urlencode({"next": next_page(request)})
            return redirect(f"{reverse('training:account_email_check')}?{query}")
        return redirect(next_page(request))
    card = SignInCode.objects.filter(pk=code_id, user=user).first()
    return render(
        request,
        "training/sign_in/choose.html",
        {
            "pin_form": pin_form,
            "password_form": password_form,
            "card": card,
            "replacement": card is not None and card.kind == SignInCode.Kind.REPLACEMENT,
            "email_unconfirmed": people.email_needs_confirming(user),
            "next": next_page(request),
        },
        status=400 if chosen is not None else 200,
    )


def _tell_saved(request, kind):
    if kind == "pin":
        messages.success(
            request, _("Your PIN is saved. Next time, log in with your username and your PIN.")
        )
    else:
        messages.success(
            request,
            _("Your password is saved. Next time, log in with your username and your password."),
        )


def _choose_forms(request, user, kind):
    """The two choices of a new secret: a PIN (plain trainees only) and a password."""
    pin_form = (
        PinForm(request.POST if kind == "pin" else None, prefix="pin")
        if people.is_plain_trainee(user)
        else None
    )
    password_form = NewPasswordForm(
        request.POST if kind == "password" else None, user=user, prefix="password"
    )
    return pin_form, password_form


def _rechecked_recently(request):
    at = request.session.get(SECRET_RECHECKED_AT)
    return at is not None and time.time() - float(at) <= SECRET_RECHECK_MINUTES * 60


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_secret(request):
    """Change one's own password or PIN, from the account page.

    First the current one, checked through ``authenticate`` so django-axes counts wrong
    tries and pauses the account after a few, as on the login page (a login left open on a
    shared computer must not let the next person lock its owner out by choosing a new PIN).
    A login card's code is not accepted here and is not spent. Then the same two choices as
    after a card: a PIN (plain trainees only) or a password. This login carries on; every
    other login of the account ends, because Django checks a hash of the password on each
    request.
    """
    user = request.user
    kind = request.POST.get("kind") if request.method == "POST" else None
    if not _rechecked_recently(request) or kind == "current":
        form = CurrentSecretForm(request.POST if kind == "current" else None)
        if kind == "current" and form.is_valid():
            checked = authenticate(
                request,
                username=user.get_username(),
                password=form.cleaned_data["current"],
                sign_in_codes=False,
            )
            if checked is not None and checked.pk == user.pk:
                request.session[SECRET_RECHECKED_AT] = time.time()
                return redirect("training:change_secret")
            form.add_error("current", _("This is not your password or PIN. Please type it again."))
        return render(
            request,
            "training/sign_in/change_current.html",
            {"form": form},
            status=400 if form.errors or kind else 200,
        )
    pin_form, password_form = _choose_forms(request, user, kind)
    chosen = {"pin": pin_form, "password": password_form}.get(kind)
    if chosen is not None and chosen.is_valid():
        secret_chosen(request, user=user, secret=chosen.cleaned_data["secret"])
        request.session.pop(SECRET_RECHECKED_AT, None)
        _tell_saved(request, kind)
        return redirect("training:account")
    return render(
        request,
        "training/sign_in/change.html",
        {"pin_form": pin_form, "password_form": password_form},
        status=400 if kind else 200,
    )


@limit_posts(rates=[("account-email", "user", "ACCOUNT_EMAIL_RATE_PER_USER")])
def email_link_send(request, *, email, then):
    """Send the link that confirms ``email`` for the logged-in person, say so, and go to
    ``then``. Limited per account (``ACCOUNT_EMAIL_RATE_PER_USER``): each one is an email
    the platform sends to an address the person typed. Raises ValidationError for an
    address that cannot be used."""
    sent_to = people.account_email_request(
        user=request.user,
        email=email,
        link_for=lambda token: request.build_absolute_uri(
            reverse("training:account_email_confirm", args=[token])
        ),
    )
    # The same words whatever the address: this never says whether an address belongs to
    # someone else.
    messages.success(
        request,
        _(
            "We sent a link to %(email)s. Open it to confirm. Until you do, your "
            "email address stays as it was."
        )
        % {"email": sent_to},
    )
    return redirect(then)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_email_check(request):
    """Right after choosing a password or PIN: the address on file, which a staff member
    typed, and what the trainee can do with it. "This is my email" sends a link to it (only
    they, logged in, can use the link, so a trainer who typed their own address gains
    nothing); "This is not my email" removes it; or they leave it for later."""
    user = request.user
    then = next_page(request)
    if not people.email_needs_confirming(user):
        return redirect(then)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "send":
        return email_link_send(request, email=user.email, then=then)
    if action == "remove":
        people.account_email_remove(user=user)
        messages.success(request, _("Your email address is removed."))
        return redirect(then)
    return render(
        request,
        "training/sign_in/email_check.html",
        {"email": user.email, "next": then},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_email_confirm(request, token):
    """The link sent to a new email address. Opening it shows a button; only its owner,
    logged in, saves the address with it (a mail program that opens links changes
    nothing)."""
    error = None
    try:
        pending = people.account_email_pending(token=token)
    except ValidationError as exc:
        pending, error = None, exc
    else:
        if pending.get("u") != request.user.pk:
            return render(
                request,
                "training/people/account_email_confirm.html",
                {"wrong_account": True},
                status=403,
            )
    if error is None and request.method == "POST":
        try:
            people.account_email_confirm(user=request.user, token=token)
        except ValidationError as exc:
            error = exc
        else:
            same = pending["to"].lower() == pending.get("from", "").lower()
            text = (
                _(
                    "Your email address %(email)s is confirmed. If you forget your password "
                    "or PIN, use “Forgot your password?” on the login page."
                )
                if same
                else _("Your email address is now %(email)s.")
            )
            messages.success(request, text % {"email": request.user.email})
            return redirect("training:account")
    return render(
        request,
        "training/people/account_email_confirm.html",
        {"email": pending["to"] if pending else "", "errors": error.messages if error else []},
        status=400 if error else 200,
    )
