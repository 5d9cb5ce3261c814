"""Who delivers the training: partner organisations and their people.

Cohorts, scheduled sessions and attendance are added here as delivery features arrive.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A partner that runs peer support training, such as a council or a charity."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organisations",
        verbose_name=_("people"),
        help_text=_("Staff, trainers and trainees who belong to this organisation."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Cohort(models.Model):
    """A group of trainees taking one programme together with their trainers, such as
    'Kent, spring 2027'. Most cohorts have 8-10 trainees."""

    name = models.CharField(_("name"), max_length=200)
    programme = models.ForeignKey(
        "curriculum.ProgrammePage",
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("programme"),
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cohorts")
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    starts_on = models.DateField(_("first session"), null=True, blank=True)
    ends_on = models.DateField(_("last session"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(_("places"), default=10)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self):
        return self.name


class CohortTrainer(models.Model):
    """A trainer running a cohort. Programmes often pair a professional with a peer trainer."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead trainer")
        CO_TRAINER = "co", _("Co-trainer")
        PEER_TRAINER = "peer", _("Peer trainer")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="trainers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohorts_trained"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="unique_trainer_per_cohort")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.cohort})"


class Enrolment(models.Model):
    """A trainee's place in a cohort."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        COMPLETED = "completed", _("Completed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)

    class Meta:
        ordering = ["trainee__first_name", "trainee__last_name", "trainee__username"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="unique_enrolment")
        ]

    def __str__(self):
        return f"{self.trainee} in {self.cohort}"

    @property
    def can_work(self):
        """Trainees who left keep read access to what they wrote but cannot change it."""
        return self.status in {self.Status.INVITED, self.Status.ACTIVE}
