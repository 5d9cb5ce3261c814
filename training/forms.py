"""Forms of the cohort pages: scheduling, trainees, enrolments, login cards, one's account.

Forms check what a person typed and turn it into values; the rules that involve other
records (capacity, duplicates, who may get a card) live in ``training.people`` and
``training.scheduling``.
"""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Enrolment, ScheduledSession
from .scheduling import DEFAULT_START, check_not_past, combine
from .sign_in import validate_pin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def duration_field(**kwargs):
    return forms.IntegerField(
        label=_("Length in minutes"),
        min_value=15,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        **kwargs,
    )


class ScheduleRowForm(forms.Form):
    """One session plan on the scheduling page. Left without a date, the row is skipped."""

    date = forms.DateField(label=_("Date"), required=False, widget=DATE)
    start = forms.TimeField(label=_("Start time"), required=False, widget=TIME)
    duration = duration_field(required=False)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    online_link = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )

    def __init__(self, *args, plan, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("date"):
            if data.get("place") or data.get("online_link"):
                raise ValidationError(_("Add a date, or clear this row to leave it for later."))
            return data
        data["start"] = data.get("start") or DEFAULT_START
        data["duration"] = data.get("duration") or self.plan.planned_duration
        data["starts_at"] = combine(data["date"], data["start"])
        try:
            check_not_past(data["starts_at"])
        except ValidationError as error:
            self.add_error("date", error)
        return data

    @property
    def is_filled(self):
        return bool(self.cleaned_data.get("date"))


class SessionTimeMixin:
    def clean_when(self, data, *, check_past=True):
        if data.get("date") and data.get("start"):
            data["starts_at"] = combine(data["date"], data["start"])
            if check_past:
                try:
                    check_not_past(data["starts_at"])
                except ValidationError as error:
                    self.add_error("date", error)
        return data


class SessionForm(SessionTimeMixin, forms.Form):
    """A single new session: a training session of the programme, or a support meeting."""

    kind = forms.ChoiceField(
        label=_("What kind of session"),
        choices=ScheduledSession.Kind.choices,
        widget=forms.RadioSelect,
        initial=ScheduledSession.Kind.TRAINING,
    )
    session_plan = forms.ModelChoiceField(
        label=_("Which session of the programme"),
        queryset=None,
        required=False,
        empty_label=_("Choose a session"),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        required=False,
        help_text=_("For support or supervision, such as “Monthly support meeting”."),
    )
    date = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Start time"), widget=TIME)
    duration = duration_field(initial=150)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_plan"].queryset = plans
        self.fields["session_plan"].label_from_instance = lambda plan: (
            _("Session %(number)s: %(title)s") % {"number": plan.number, "title": plan.title}
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ScheduledSession.Kind.TRAINING and not data.get("session_plan"):
            self.add_error("session_plan", _("Choose which session of the programme this is."))
        if kind in (ScheduledSession.Kind.SUPPORT, ScheduledSession.Kind.SUPERVISION):
            if not (data.get("title") or "").strip():
                self.add_error("title", _("Give this meeting a title, such as “Monthly support”."))
            data["session_plan"] = None
        return self.clean_when(data)


class RescheduleForm(SessionTimeMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Start time"), widget=TIME)
    duration = duration_field()
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    cancelled = forms.BooleanField(label=_("This session is cancelled"), required=False)
    reason = forms.CharField(
        label=_("Reason for the change (optional)"),
        max_length=300,
        required=False,
        help_text=_("Kept in the history, for example “Room not available”."),
    )

    def __init__(self, *args, session, **kwargs):
        self.session = session
        super().__init__(*args, **kwargs)
        if session.session_plan_id is None:
            # Support and supervision meetings have a title instead of a session plan.
            self.fields = {
                "title": forms.CharField(label=_("Title"), max_length=255),
                **self.fields,
            }

    def clean(self):
        data = super().clean()
        data = self.clean_when(data, check_past=False)
        starts_at = data.get("starts_at")
        # Only a new time must be in the future: a past session can still be cancelled or
        # have its place corrected.
        if starts_at and starts_at != self.session.starts_at:
            try:
                check_not_past(starts_at)
            except ValidationError as error:
                self.add_error("date", error)
        return data


class TraineeForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("Leave it empty if they have none: you can print a login card instead."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    reference = forms.CharField(
        label=_("Your reference (optional)"),
        max_length=60,
        required=False,
        help_text=_("Your organisation's own number for this person, if it has one."),
    )


class EnrolExistingForm(forms.Form):
    trainee = forms.ModelChoiceField(
        label=_("Trainee"), queryset=None, empty_label=_("Choose a person")
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee"].queryset = candidates
        self.fields["trainee"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.username})"
        )


class EnrolmentStatusForm(forms.Form):
    CHOICES = [
        (Enrolment.Status.INVITED, _("Invited")),
        (Enrolment.Status.ACTIVE, _("Taking part")),
        (Enrolment.Status.WITHDRAWN, _("Withdrawn (left the group)")),
    ]
    status = forms.ChoiceField(label=_("Status"), choices=CHOICES, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why they left (optional)"),
        max_length=300,
        required=False,
        help_text=_("Only for someone who withdrew. Kept for the drop-out report."),
    )


class LoginCardsForm(forms.Form):
    trainees = forms.MultipleChoiceField(
        label=_("Print a card for"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one trainee.")},
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainees"].choices = [
            (str(e.trainee_id), e.trainee.get_full_name() or e.trainee.username) for e in enrolments
        ]


class AccountEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_(
            "Used only to send you a new password if you forget yours. We send a link to a "
            "new address: it changes when you open the link. Leave it empty to remove it."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ReplacementCardForm(forms.Form):
    """The separate step before a replacement card: the staff member's word, recorded."""

    trainee_present = forms.BooleanField(required=False)

    def __init__(self, *args, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainee_present"].label = _(
            "%(name)s is with me now and asked me for a new card."
        ) % {"name": name}


class CurrentSecretForm(forms.Form):
    """The password or PIN someone logs in with now, before they may choose another."""

    current = forms.CharField(
        label=_("Your password or PIN now"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class PinForm(forms.Form):
    """A PIN for a trainee: numbers only, typed twice, on a phone's number pad."""

    pin = forms.CharField(
        label=_("Your new PIN"),
        strip=False,
        max_length=64,
        help_text=_("6 numbers or more. Not 123456, not 111111."),
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "new-password", "pattern": "[0-9]*"}
        ),
    )
    pin_again = forms.CharField(
        label=_("The same PIN again"),
        strip=False,
        max_length=64,
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "new-password", "pattern": "[0-9]*"}
        ),
    )

    def clean_pin(self):
        pin = self.cleaned_data["pin"]
        validate_pin(pin)
        return pin

    def clean(self):
        data = super().clean()
        if data.get("pin") and data.get("pin") != data.get("pin_again"):
            self.add_error(
                "pin_again", _("The two PINs are not the same. Type the same PIN twice.")
            )
        data["secret"] = data.get("pin")
        return data


class NewPasswordForm(forms.Form):
    """A password, checked by the site's password rules (``AUTH_PASSWORD_VALIDATORS``)."""

    password = forms.CharField(
        label=_("Your new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = _(
            "8 characters or more: letters, numbers or signs, not only numbers. A short "
            "sentence you will remember works well."
        )

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password and password != data.get("password_again"):
            self.add_error(
                "password_again",
                _("The two passwords are not the same. Type the same password twice."),
            )
        elif password:
            try:
                validate_password(password, user=self.user)
            except ValidationError as error:
                self.add_error("password", error)
        data["secret"] = password
        return data
