"""The Wagtail admin's user forms, without a way to set a trainee's password.

A password a staff member types is a password a staff member knows, and a trainee's account
holds reflections that only they may read. So in the admin (even for a superuser):

- editing an account that is, or has been, a trainee (trainee role, trainee profile or a
  place in a group) shows no password fields and keeps its email address as it is: that
  address is where a new password goes, so only the trainee changes it (their account page,
  with a link sent to the new address);
- giving the trainee role while typing a password is refused, on a new account or an
  existing one;
- creating an account without a password is allowed (staff get one as before): a trainee
  made here has no password until they choose one, from a login card or a reset email.

Everything else stays: staff may still deactivate an account, rename it or change its roles.
The rule reads the database, so taking the trainee role away first does not open the
password fields: the trainee profile and the group places still say who the account is.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from lms.roles import Role

from ..people import is_trainee_account

NO_PASSWORD_FOR_TRAINEES = _(
    "Trainees choose their own password or PIN. Leave the password empty; print them a "
    "login card instead."
)


def _trainee_role_chosen(cleaned_data):
    groups = cleaned_data.get("groups") or []
    return any(group.name == Role.TRAINEE.value for group in groups)


class TraineeSafeMixin:
    def _refuse_password_for_trainee_role(self):
        if self.cleaned_data.get("password1") and _trainee_role_chosen(self.cleaned_data):
            self.add_error("password1", forms.ValidationError(NO_PASSWORD_FOR_TRAINEES))


class TraineeSafeUserEditForm(TraineeSafeMixin, UserEditForm):
    def __init__(self, *args, **kwargs):
        self.trainee_account = is_trainee_account(kwargs.get("instance"))
        super().__init__(*args, **kwargs)
        if self.trainee_account and "email" in self.fields:
            email = self.fields["email"]
            email.disabled = True
            email.required = False
            email.help_text = _(
                "Only the trainee changes their email address, on their account page."
            )

    @property
    def password_enabled(self):
        return super().password_enabled and not self.trainee_account

    def clean(self):
        data = super().clean()
        self._refuse_password_for_trainee_role()
        return data


class TraineeSafeUserCreationForm(TraineeSafeMixin, UserCreationForm):
    # A trainee made here gets no password; staff still must get one (checked in ``clean``).
    password_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields:
            self.fields["password1"].help_text = _(
                "Required for staff. Leave it empty for a trainee: they choose their own."
            )

    def clean(self):
        data = super().clean()
        self._refuse_password_for_trainee_role()
        if (
            "password1" in self.fields
            and not data.get("password1")
            and not _trainee_role_chosen(data)
        ):
            self.add_error("password1", forms.ValidationError(_("Type a password.")))
        return data

    def save(self, commit=True):
        user = super().save(commit=False)
        if not self.cleaned_data.get("password1"):
            user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return TraineeSafeUserEditForm if for_update else TraineeSafeUserCreationForm
