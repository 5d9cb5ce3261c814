"""Programme evaluation: questionnaires a trainee takes before, after and some months after
a programme, paired per person to show change.

These answers are health-related personal data. Only the trainee and people with the
evaluation lead role read them one by one; everyone else sees aggregates with small groups
suppressed (``assessments.evaluation``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class Instrument(ClusterableModel):
    """A questionnaire: items answered on one response scale, grouped into subscales."""

    class Scoring(models.TextChoices):
        MEAN = "mean", _("Average of the items")
        SUM = "sum", _("Sum of the items")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=40, help_text=_("Used in charts and exports.")
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("What the trainee reads first.")
    )
    organisation = models.ForeignKey(
        "training.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("only for this organisation"),
        help_text=_("For a questionnaire one organisation holds a licence for."),
    )
    scale_min = models.SmallIntegerField(_("lowest answer"), default=1)
    scale_max = models.SmallIntegerField(_("highest answer"), default=5)
    scale_min_label = models.CharField(_("lowest answer means"), max_length=100)
    scale_max_label = models.CharField(_("highest answer means"), max_length=100)
    scoring = models.CharField(
        _("scoring"), max_length=4, choices=Scoring.choices, default=Scoring.MEAN
    )
    licence = models.TextField(
        _("licence and attribution"),
        blank=True,
        help_text=_("Who owns the questionnaire, the licence it is used under, the citation."),
    )
    wording_locked = models.BooleanField(
        _("wording locked"),
        default=False,
        help_text=_(
            "For licensed or validated questionnaires: once saved, the items cannot be "
            "reworded, reordered, added or removed."
        ),
    )
    built_in = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name")]),
        FieldPanel("introduction"),
        FieldPanel("organisation"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("scale_min"), FieldPanel("scale_min_label")]),
                FieldRowPanel([FieldPanel("scale_max"), FieldPanel("scale_max_label")]),
                FieldPanel("scoring"),
            ],
            heading=_("Response scale"),
        ),
        MultiFieldPanel(
            [FieldPanel("licence"), FieldPanel("wording_locked")], heading=_("Licence")
        ),
        InlinePanel("items", heading=_("Items"), label=_("Item"), min_num=1),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("evaluation questionnaire")
        verbose_name_plural = _("evaluation questionnaires")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("The highest answer must be above the lowest.")})


class InstrumentItem(Orderable):
    """One statement or question of an instrument."""

    instrument = ParentalKey(Instrument, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(
        _("code"), max_length=30, help_text=_("A short stable name, such as hope_1.")
    )
    text = models.CharField(_("wording"), max_length=400)
    subscale = models.CharField(
        _("subscale"), max_length=60, blank=True, help_text=_("For example: hope.")
    )
    reversed = models.BooleanField(
        _("reversed"),
        default=False,
        help_text=_("A high answer means worse, so it is turned round before scoring."),
    )

    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("subscale"), FieldPanel("reversed")]),
        FieldPanel("text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("item")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="unique_item_code"),
        ]

    def __str__(self):
        return self.text


class EvaluationSchedule(models.Model):
    """When a programme's trainees are asked to fill in an instrument."""

    programme = models.ForeignKey(
        "curriculum.ProgrammePage", on_delete=models.CASCADE, related_name="evaluation_schedules"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="schedules")
    organisation = models.ForeignKey(
        "training.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for this organisation"),
    )
    at_enrolment = models.BooleanField(_("before: when a trainee is enrolled"), default=True)
    at_completion = models.BooleanField(_("after: when a trainee completes"), default=True)
    follow_up_months = models.PositiveSmallIntegerField(
        _("follow-up (months after completing)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind after (days)"), default=7, validators=[MinValueValidator(1)]
    )
    max_reminders = models.PositiveSmallIntegerField(
        _("reminders at most"), default=2, validators=[MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("evaluation schedule")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "instrument", "organisation"],
                name="one_schedule_per_instrument",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} · {self.programme}"


class EvaluationConsent(models.Model):
    """A trainee's agreement to take part in the evaluation, asked before any questionnaire.
    Withdrawing keeps the row (with the date) so the history can be shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_consents"
    )
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The words the trainee agreed to, as they were.
    statement = models.TextField()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("evaluation consent")

    def __str__(self):
        return f"{self.user_id} {self.given_at:%Y-%m-%d}"


class EvaluationInvitation(models.Model):
    """One questionnaire a trainee is asked to fill in at one point in time."""

    class Timepoint(models.TextChoices):
        PRE = "pre", _("Before")
        POST = "post", _("After")
        FOLLOW_UP = "follow_up", _("Follow-up")

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    schedule = models.ForeignKey(
        EvaluationSchedule, on_delete=models.CASCADE, related_name="invitations"
    )
    timepoint = models.CharField(max_length=9, choices=Timepoint.choices)
    opens_at = models.DateTimeField()
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_at", "pk"]
        verbose_name = _("evaluation invitation")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "schedule", "timepoint"], name="one_invitation_per_timepoint"
            ),
        ]

    def __str__(self):
        return f"{self.schedule} {self.timepoint} ({self.enrolment_id})"


class EvaluationResponse(models.Model):
    """The answers to one invitation. One per invitation: a second submission is refused."""

    invitation = models.OneToOneField(
        EvaluationInvitation, on_delete=models.CASCADE, related_name="response"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    # {item code: answer as given}; scores are computed after reversing.
    answers = models.JSONField()
    # {"total": 3.4, "<subscale>": 3.1, ...}
    scores = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation response")

    def __str__(self):
        return f"{self.invitation}"
