"""Partner organisations and their people: cohorts, trainers, enrolments, trainee profiles."""

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
    # How this group experiences the programme (visual schedules, easy read, breaks...).
    profile = models.ForeignKey(
        "profiles.AdaptationProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cohorts",
        verbose_name=_("adaptation profile"),
        help_text=_("For example 'Autistic adults'. Leave empty to run the programme as written."),
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self):
        return self.name

    def places_taken(self):
        """Enrolments that hold a place: everyone except those who withdrew."""
        return self.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).count()


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
    # Set when the status changes, so reports can count completions and drop-outs by date.
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrew"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)

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


class TraineeProfile(models.Model):
    """What the platform knows about a trainee beyond their login.

    Many trainees have no email address. A trainer creates their account and prints a login
    card with a one-time code; the trainee then chooses their own password or PIN. Every
    card is in the log (``SignInCode``); the time and author of the last one are repeated
    here for the group's pages. The profile also keeps the email address the trainee
    confirmed themselves, the only one a new password may be sent to.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainee_profile"
    )
    # The partner's own identifier from their spreadsheet, used to update on re-import.
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    card_issued_at = models.DateTimeField(_("login card printed"), null=True, blank=True)
    card_issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The email address the trainee confirmed themselves, by opening a link sent to it while
    # logged in, and when. A reset link goes to their address only while it is this one
    # (``training.email_confirmation``): an address a trainer, an import or the admin typed
    # stays unconfirmed, so whoever typed it cannot take the account through "Forgot your
    # password?".
    email_confirmed = models.EmailField(_("email address they confirmed"), blank=True)
    email_confirmed_at = models.DateTimeField(_("email address confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("trainee profile")
        verbose_name_plural = _("trainee profiles")
        indexes = [models.Index(fields=["reference"])]

    def __str__(self):
        return str(self.user)
