"""What a certificate looks like: wording, logo and signatories, per organisation and
language.

A template is read when a certificate is issued and copied into the certificate's snapshot,
so editing or deleting a template later never changes a certificate already issued.
"""

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The placeholders a statement may use, filled in when the certificate is issued.
PLACEHOLDERS = ("name", "programme", "organisation", "hours", "date")
REQUIRED_PLACEHOLDERS = ("name", "programme")

# Marked for the catalogues: issuing translates them for cohorts without a template in
# their language (certificates/issuing.py).
DEFAULT_TITLE = gettext_noop("Certificate of completion")
DEFAULT_STATEMENT = gettext_noop(
    "{name} has completed the peer support training programme {programme} with {organisation}."
)


def braced(names):
    return ", ".join("{" + name + "}" for name in names)


def placeholders_in(text):
    """The {names} used in ``text``; raises ValueError for a malformed brace."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class CertificateTemplate(models.Model):
    """The wording and look of certificates for one organisation in one language. A
    template with no organisation is the platform's default for that language."""

    organisation = models.ForeignKey(
        "training.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="certificate_templates",
        help_text=_("Leave empty for the default used by organisations without their own."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    title = models.CharField(_("title"), max_length=120, default=DEFAULT_TITLE)
    statement = models.TextField(
        _("statement"),
        default=DEFAULT_STATEMENT,
        help_text=_(
            "The sentence under the title. It must contain {name} and {programme}; it may use "
            "{organisation}, {hours} and {date}."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    signatory_name = models.CharField(_("first signatory"), max_length=120)
    signatory_role = models.CharField(_("first signatory's role"), max_length=120)
    second_signatory_name = models.CharField(_("second signatory"), max_length=120, blank=True)
    second_signatory_role = models.CharField(
        _("second signatory's role"), max_length=120, blank=True
    )
    footer = models.TextField(
        _("footer"),
        blank=True,
        help_text=_("A short line at the bottom, such as the organisation's address."),
    )
    valid_for_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(600)],
        help_text=_("Leave empty for certificates that do not expire."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "language"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language"], name="one_template_per_organisation_language"
            ),
            models.UniqueConstraint(
                fields=["language"],
                condition=models.Q(organisation__isnull=True),
                name="one_default_template_per_language",
            ),
        ]

    def __str__(self):
        owner = self.organisation or _("Default")
        return f"{owner} · {self.get_language_display()}"

    def clean(self):
        super().clean()
        try:
            used = placeholders_in(self.statement or "")
        except ValueError:
            raise ValidationError(
                {"statement": _("A { or } is not closed. Write placeholders like {name}.")}
            ) from None
        unknown = sorted(used - set(PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                {
                    "statement": _("Unknown placeholder: %(names)s. Use %(allowed)s.")
                    % {
                        "names": braced(unknown),
                        "allowed": braced(PLACEHOLDERS),
                    }
                }
            )
        missing = [name for name in REQUIRED_PLACEHOLDERS if name not in used]
        if missing:
            raise ValidationError(
                {
                    "statement": _("The statement must contain %(names)s.")
                    % {"names": braced(missing)}
                }
            )
        if bool(self.second_signatory_name) != bool(self.second_signatory_role):
            raise ValidationError(
                {
                    "second_signatory_role": _(
                        "Give the second signatory's name and role, or neither."
                    )
                }
            )
