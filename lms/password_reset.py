"""Choosing a new password by email, for anyone who has an email address here.

Django's own views and tokens, on the site's own pages (the Wagtail admin has its own, for
staff, and goes through the same rules: ``AdminResetForm``). Three things differ from
Django's defaults:

- a trainee whose account was made by their trainer may have no password of their own yet;
  once they have confirmed their email address, the link lets them choose one. That is how
  people with an email address get back in, so no staff member ever needs to print them a
  new card;
- apps above this one may refuse the link for some accounts (``reset_rules``, filled from
  their ``AppConfig.ready``). Training refuses it for a trainee's address that the trainee
  did not confirm themselves: an address a trainer typed could be the trainer's own, and the
  link would hand them the account. Accounts no rule speaks for (staff) get the link;
- the page after asking says the same words whether the address belongs to nobody, to an
  account, or to an account a rule refused (Django's behaviour, kept), and asking is limited
  per address and per email (``lms/throttles.py``), so the form cannot be used to find out
  who has an account.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import path, reverse_lazy
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from .throttles import password_reset_limited

# Rules from the apps above this one, each ``rule(user) -> bool``: a reset link goes to an
# account's address only if every rule says True. This app cannot import theirs (it is the
# bottom layer), so they add them here from ``AppConfig.ready``, the way Wagtail hooks work.
reset_rules: list[Callable[[object], bool]] = []


def register_reset_rule(rule):
    """Add ``rule(user) -> bool`` to the rules for reset links; adding it twice keeps one."""
    if rule not in reset_rules:
        reset_rules.append(rule)
    return rule


def may_reset_by_email(user):
    """True when a reset link may go to ``user``'s email address: every registered rule
    agrees. With no rule registered (staff, or a site without training), it may."""
    return all(rule(user) for rule in reset_rules)


class ResetForAnyActiveAccountForm(PasswordResetForm):
    """Django's form, also for active accounts that have no usable password yet, and only
    for accounts ``may_reset_by_email`` allows."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        return (
            user
            for user in users
            if user.email.lower() == email.lower() and may_reset_by_email(user)
        )


class AdminResetForm(WagtailPasswordResetForm):
    """The Wagtail admin's form (``WAGTAILADMIN_USER_PASSWORD_RESET_FORM``): Django's rules
    (a usable password), and only for accounts ``may_reset_by_email`` allows."""

    def get_users(self, email):
        return (user for user in super().get_users(email) if may_reset_by_email(user))


urlpatterns = [
    path(
        "password-reset/",
        password_reset_limited(
            auth_views.PasswordResetView.as_view(
                form_class=ResetForAnyActiveAccountForm,
                success_url=reverse_lazy("password_reset_done"),
            )
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
