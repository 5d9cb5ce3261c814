"""H5P activities: a package uploaded once, played in the page, and the xAPI statements
the player sends back, turned into each trainee's result."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


def package_path(instance, filename):
    # The stored name never comes from the uploader.
    return f"h5p/packages/{instance.folder}.h5p"


class H5PActivity(index.Indexed, models.Model):
    """An uploaded .h5p package, checked and unpacked into its own folder."""

    title = models.CharField(_("title"), max_length=200)
    # The unpacked files live under MEDIA_ROOT/h5p/content/<folder>/; a random name so one
    # package can never guess or reach another's files.
    folder = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    package = models.FileField(_("H5P file"), upload_to=package_path, max_length=200)
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


class XAPIStatement(models.Model):
    """One statement as the server accepted it. Its id is unique, so a replayed statement
    is refused rather than counted twice."""

    statement_id = models.UUIDField(unique=True)
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
