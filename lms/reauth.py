"""Asking staff for their password again before they read one person's answers.

A login left open on a shared office computer should not open individual evaluation answers
to whoever sits down next. Views that show a person's answers one by one call
``confirm_first`` after their access check: the staff member types their password again (on
``confirm_password``) unless they did so in the last ``REAUTH_MINUTES`` minutes. The check
goes through ``authenticate``, so wrong passwords count towards the same lockout as the
login page (django-axes).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .next_page import next_page

CONFIRMED_AT = "lms.password_confirmed_at"


def confirmed_recently(request):
    at = request.session.get(CONFIRMED_AT)
    return at is not None and time.time() - float(at) <= settings.REAUTH_MINUTES * 60


def confirm_first(request):
    """The redirect to ``confirm_password`` (and back here after) when this person has not
    typed their password in the last ``REAUTH_MINUTES`` minutes, else None. Views call it
    after their own access check, so nobody is asked for a password only to be refused."""
    if confirmed_recently(request):
        return None
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('confirm_password')}?{query}")


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_password(request):
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=request.user.get_username(),
            password=form.cleaned_data["password"],
        )
        if user is not None and user.pk == request.user.pk:
            request.session[CONFIRMED_AT] = time.time()
            return redirect(next_page(request))
        form.add_error("password", _("This is not your password. Please try again."))
    return render(
        request,
        "registration/confirm_password.html",
        {"form": form, "next": next_page(request)},
        status=400 if form.errors else 200,
    )
