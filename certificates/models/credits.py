"""Credit frameworks and credit mappings.

A mapping says what a programme or one session plan is worth in a framework: the hours by
kind, the learning outcomes it covers, a level, the credits, and the basis. *Indicative*
credits are worked out from the workload by this platform; *recognised* credits were agreed
by a named body, with a reference, a date and a period of validity. Certificates always say
which of the two they show.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

HOURS = {"max_digits": 6, "decimal_places": 1, "validators": [MinValueValidator(Decimal(0))]}


class CreditFramework(models.Model):
    """A scale that qualifications are measured on: credits per hours of learning, levels,
    or both."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Learning hours behind one credit. ECTS gives a range (25 to 30); indicative credits are
    # worked out with the upper end, so they never claim more than the workload supports.
    hours_per_credit_min = models.DecimalField(
        _("hours per credit, from"), null=True, blank=True, **HOURS
    )
    hours_per_credit_max = models.DecimalField(
        _("hours per credit, up to"), null=True, blank=True, **HOURS
    )
    credit_name = models.CharField(
        _("what a credit is called"),
        max_length=40,
        blank=True,
        help_text=_("For example: ECTS credits, SCQF credit points."),
    )
    levels = models.JSONField(
        _("levels"),
        default=list,
        blank=True,
        help_text=_('The levels a mapping may name, in order, such as ["1", "2", ... "8"].'),
    )
    url = models.URLField(_("where it is described"), blank=True)
    built_in = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("credit framework")
        verbose_name_plural = _("credit frameworks")

    def __str__(self):
        return self.name

    @property
    def has_credits(self):
        return self.hours_per_credit_max is not None

    def clean(self):
        super().clean()
        low, high = self.hours_per_credit_min, self.hours_per_credit_max
        if (low is None) != (high is None):
            raise ValidationError(
                _("Give both ends of the hours per credit, or neither for a levels-only scale.")
            )
        if low is not None and (low <= 0 or high < low):
            raise ValidationError(
                {"hours_per_credit_max": _("The hours per credit must be above 0, low to high.")}
            )
        if not self.has_credits and not self.levels:
            raise ValidationError(_("A framework needs hours per credit, levels, or both."))


class CreditMapping(models.Model):
    """What one programme or one session plan is worth in one framework."""

    class Basis(models.TextChoices):
        INDICATIVE = "indicative", _("Indicative (worked out from the workload)")
        RECOGNISED = "recognised", _("Recognised (agreed by a named body)")

    framework = models.ForeignKey(
        CreditFramework, on_delete=models.PROTECT, related_name="mappings"
    )
    programme = models.ForeignKey(
        "curriculum.ProgrammePage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credit_mappings",
    )
    session_plan = models.ForeignKey(
        "curriculum.SessionPlanPage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="credit_mappings",
    )
    contact_hours = models.DecimalField(_("contact hours"), default=0, **HOURS)
    self_study_hours = models.DecimalField(_("self-study hours"), default=0, **HOURS)
    placement_hours = models.DecimalField(_("practice placement hours"), default=0, **HOURS)
    level = models.CharField(_("level"), max_length=20, blank=True)
    credits = models.DecimalField(
        _("credits"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Leave empty for indicative credits: they are worked out from the hours."),
    )
    programme_outcomes = models.ManyToManyField(
        "curriculum.ProgrammeLearningOutcome",
        blank=True,
        related_name="+",
        verbose_name=_("programme learning outcomes covered"),
    )
    session_outcomes = models.ManyToManyField(
        "curriculum.SessionLearningOutcome",
        blank=True,
        related_name="+",
        verbose_name=_("session learning outcomes covered"),
    )
    basis = models.CharField(
        _("basis"), max_length=10, choices=Basis.choices, default=Basis.INDICATIVE
    )
    recognised_by = models.CharField(
        _("recognised by"),
        max_length=200,
        blank=True,
        help_text=_("The body that agreed the credits, such as a university or an awarding body."),
    )
    agreement_reference = models.CharField(_("agreement reference"), max_length=120, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credit mapping")
        verbose_name_plural = _("credit mappings")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(programme__isnull=False, session_plan__isnull=True)
                    | models.Q(programme__isnull=True, session_plan__isnull=False)
                ),
                name="credit_mapping_has_one_target",
            ),
        ]

    def __str__(self):
        target = self.programme or self.session_plan
        return f"{target} · {self.framework.short_name}"

    @property
    def total_hours(self):
        return self.contact_hours + self.self_study_hours + self.placement_hours

    def clean(self):
        super().clean()
        errors = {}
        if bool(self.programme_id) == bool(self.session_plan_id):
            errors["programme"] = _("Choose a programme or a session plan, not both.")
        if self.basis == self.Basis.RECOGNISED:
            for field in ("recognised_by", "agreement_reference", "agreed_on"):
                if not getattr(self, field):
                    errors[field] = _(
                        "Recognised credits need the body, the reference and the date."
                    )
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity is before its start.")
        framework = self.framework if self.framework_id else None
        if framework is not None:
            if self.level and framework.levels and self.level not in framework.levels:
                errors["level"] = _("%(framework)s has no level %(level)s.") % {
                    "framework": framework.short_name,
                    "level": self.level,
                }
            if self.credits is not None and not framework.has_credits:
                errors["credits"] = _("%(framework)s has levels only, no credits.") % {
                    "framework": framework.short_name
                }
        if errors:
            raise ValidationError(errors)
