"""Before and after: how sure a trainee feels about each learning outcome of a session."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# One short scale for every outcome, worded so that it reads well after "I can ...".
SCALE = (
    (1, _("Not yet")),
    (2, _("A little")),
    (3, _("Partly")),
    (4, _("Mostly")),
    (5, _("Fully")),
)


class SelfAssessment(models.Model):
    """Turns on the before/after self-assessment for one session plan. The statements are
    the session's own learning outcomes, so there is nothing to keep in step."""

    class AfterWhen(models.TextChoices):
        END_OF_SESSION = "end", _("At the end of the session")
        NEXT_SESSION = "next", _("At the start of the next session")

    session_plan = models.OneToOneField(
        "curriculum.SessionPlanPage", on_delete=models.CASCADE, related_name="self_assessment"
    )
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two plain sentences the trainee reads first."),
    )
    after = models.CharField(
        _("the second time"),
        max_length=4,
        choices=AfterWhen.choices,
        default=AfterWhen.END_OF_SESSION,
    )
    counts_towards_completion = models.BooleanField(
        _("counts towards completion"),
        default=True,
        help_text=_("When the programme's rule asks for self-assessments, this one is needed."),
    )

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")

    def __str__(self):
        return str(_("Self-assessment for %(session)s") % {"session": self.session_plan})


class SelfRating(models.Model):
    """One trainee's rating of one outcome, before or after. The outcome's wording is kept
    so that the answer still makes sense if an editor later rewords or removes it."""

    class Phase(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="self_ratings"
    )
    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="ratings"
    )
    outcome = models.ForeignKey(
        "curriculum.SessionLearningOutcome",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    outcome_text = models.CharField(max_length=300)
    phase = models.CharField(max_length=6, choices=Phase.choices)
    value = models.PositiveSmallIntegerField(
        choices=SCALE, validators=[MinValueValidator(1), MaxValueValidator(len(SCALE))]
    )
    rated_at = models.DateTimeField(auto_now=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("self-rating")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "outcome", "phase"], name="one_rating_per_outcome_and_phase"
            ),
        ]
        indexes = [models.Index(fields=["self_assessment", "phase"])]

    def __str__(self):
        return f"{self.outcome_text}: {self.value} ({self.phase})"
