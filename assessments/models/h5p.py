"""H5P activities: a package uploaded once, played in a sandboxed frame, the attempts the
player opens and the xAPI statements it sends back, turned into each trainee's result."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from ..h5p_package import package_storage


def package_path(instance, filename):
    # The stored name never comes from the uploader.
    return f"h5p/packages/{instance.folder}.h5p"


class H5PActivity(index.Indexed, models.Model):
    """An uploaded .h5p package, checked and unpacked into its own folder."""

    title = models.CharField(_("title"), max_length=200)
    # The unpacked files live in a private folder (h5p_package.content_dir); a random name so
    # one package can never guess or reach another's files.
    folder = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    package = models.FileField(
        _("H5P file"), upload_to=package_path, storage=package_storage, max_length=200
    )
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    main_library = models.CharField(max_length=120, editable=False)
    # What inspection found: libraries with versions, file count, unpacked size.
    inspection = models.JSONField(default=dict, editable=False)
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Leave empty if finishing the activity is enough, whatever the score."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")

    def __str__(self):
        return self.title

    @property
    def activity_iri(self):
        """The xAPI object id the player reports for this activity's content."""
        return f"urn:peer-support:h5p:{self.folder}"


class H5PAttempt(models.Model):
    """One opening of the player by a trainee: the page asks the server for it, and every
    statement the page sends names it (``context.registration``). A statement that names no
    attempt, someone else's or a closed one is refused, so a score cannot be posted without
    opening the activity first. ``max_score`` is the highest score of the activity, from the
    package where it can be told (``h5p_package.declared_max_score``), else from the first
    score the player sends; a later score out of line with it is held back."""

    # How long an attempt accepts statements: long enough for answers kept on a phone
    # without a connection to arrive days later.
    OPEN_FOR = timedelta(days=7)

    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="attempts")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="h5p_attempts"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("H5P attempt")
        indexes = [models.Index(fields=["activity", "enrolment"])]

    def __str__(self):
        return f"{self.activity}: {self.registration}"

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.closed_at is None and now < self.opened_at + self.OPEN_FOR

    @classmethod
    def open_for(cls, *, enrolment, activity, max_score=None):
        """A new attempt for this trainee and activity; their attempts older than
        ``OPEN_FOR`` are marked closed on the way (they already refuse statements)."""
        now = timezone.now()
        cls.objects.filter(
            enrolment=enrolment,
            activity=activity,
            closed_at__isnull=True,
            opened_at__lt=now - cls.OPEN_FOR,
        ).update(closed_at=now)
        return cls.objects.create(
            enrolment=enrolment, activity=activity, opened_at=now, max_score=max_score
        )


class XAPIStatement(models.Model):
    """One statement as the server accepted it. Its id is unique, so a replayed statement
    is refused rather than counted twice. A whole-activity score the server could not
    believe (``flag``) is kept for the trainer to see, but never counts."""

    class Flag(models.TextChoices):
        TOO_QUICK = "too_quick", _("It arrived seconds after the activity was opened.")
        OUT_OF_RANGE = "out_of_range", _("The score is outside what the activity allows.")
        INCONSISTENT = "inconsistent", _("The parts of the score do not agree with each other.")
        MAX_MISMATCH = (
            "max_mismatch",
            _("The highest possible score is not the one this activity has."),
        )
        NOT_THE_SUM = "not_the_sum", _("The total is not the sum of the answers to each question.")
        NO_SCORE = "no_score", _("No score was sent, but this activity gives one.")

    statement_id = models.UUIDField(unique=True)
    # Statements stored before attempts existed have none; a statement outlives its attempt.
    attempt = models.ForeignKey(
        H5PAttempt, on_delete=models.SET_NULL, null=True, blank=True, related_name="statements"
    )
    flag = models.CharField(max_length=20, choices=Flag.choices, blank=True)
    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="statements")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="xapi_statements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verb = models.CharField(max_length=40)
    object_id = models.CharField(max_length=300)
    # Sub-content of a compound activity (one question of several), empty for the whole.
    sub_content_id = models.CharField(max_length=64, blank=True)
    score_raw = models.FloatField(null=True)
    score_max = models.FloatField(null=True)
    score_scaled = models.FloatField(null=True)
    success = models.BooleanField(null=True)
    completion = models.BooleanField(null=True)
    response = models.TextField(blank=True)
    interaction_type = models.CharField(max_length=40, blank=True)
    timestamp = models.DateTimeField()
    stored_at = models.DateTimeField(auto_now_add=True)
    raw = models.JSONField()

    class Meta:
        ordering = ["stored_at", "pk"]
        verbose_name = _("xAPI statement")
        indexes = [models.Index(fields=["activity", "enrolment"])]

    def __str__(self):
        return f"{self.verb} {self.object_id}"


class H5PResult(models.Model):
    """One trainee's result for one activity, derived from their statements."""

    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="results")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="h5p_results"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    best_scaled = models.FloatField(null=True)
    last_scaled = models.FloatField(null=True)
    completed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("H5P result")
        constraints = [
            models.UniqueConstraint(fields=["activity", "enrolment"], name="one_result_per_h5p"),
        ]

    def __str__(self):
        return f"{self.activity}: {self.best_scaled} ({self.enrolment_id})"
