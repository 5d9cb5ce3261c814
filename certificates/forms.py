"""Forms of the certifying officer's pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class IssueOneForm(forms.Form):
    holder_name = forms.CharField(
        label=_("Name on the certificate"),
        max_length=300,
        help_text=_("As the trainee wants it written. Check the spelling with them."),
    )


class IssueCohortForm(forms.Form):
    enrolments = forms.TypedMultipleChoiceField(
        label=_("Who gets a certificate"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    checked = forms.BooleanField(
        label=_("I have checked who completed the programme and their names."),
        error_messages={"required": _("Tick the box to confirm you checked the list.")},
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolments"].choices = choices
        self.fields["enrolments"].error_messages["required"] = _(
            "Tick at least one trainee who is ready."
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why. The reason is kept in the certificate log.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why. The reason is kept in the certificate log."))
        return reason


class ReissueForm(ReasonForm):
    holder_name = forms.CharField(
        label=_("Name on the new certificate"),
        max_length=300,
        help_text=_("Change it if the name was wrong; otherwise leave it as it is."),
    )
