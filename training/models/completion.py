"""What a trainee must do to complete a programme, and how far each one has got."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CompletionRule(models.Model):
    """A programme's completion rule. Attendance is a share of the *planned* sessions (all
    the programme's published session plans), not only of those already held."""

    class WorksheetRequirement(models.TextChoices):
        NONE = "none", _("Not required")
        SUBMITTED = "submitted", _("Handed in")
        ACCEPTED = "accepted", _("Accepted by the trainer")

    class AssessmentRequirement(models.TextChoices):
        NONE = "none", _("Not required")
        TAKEN = "taken", _("Taken (any score)")
        PASSED = "passed", _("Passed")

    programme = models.OneToOneField(
        "curriculum.ProgrammePage", on_delete=models.CASCADE, related_name="completion_rule"
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (% of planned sessions)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )
    late_counts = models.BooleanField(_("arriving late counts as attended"), default=True)
    left_early_counts = models.BooleanField(_("leaving early counts as attended"), default=True)
    worksheets = models.CharField(
        _("worksheets"),
        max_length=10,
        choices=WorksheetRequirement.choices,
        default=WorksheetRequirement.SUBMITTED,
    )
    optional_worksheets = models.ManyToManyField(
        "worksheets.Worksheet",
        blank=True,
        related_name="+",
        verbose_name=_("worksheets that are not required"),
    )
    assessments = models.CharField(
        _("quizzes and interactive (H5P) activities"),
        max_length=6,
        choices=AssessmentRequirement.choices,
        default=AssessmentRequirement.PASSED,
    )
    self_assessments = models.BooleanField(
        _("self-assessments before and after each session are required"), default=False
    )
    catch_up_allowed = models.BooleanField(
        _("a missed session can be caught up"),
        default=True,
        help_text=_("In another cohort, or with a task the trainer sets."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("completion rule")
        verbose_name_plural = _("completion rules")

    def __str__(self):
        return str(_("Completion rule for %(programme)s") % {"programme": self.programme})


class CatchUp(models.Model):
    """Making up a missed session: by attending it in another cohort, or by a task."""

    class Kind(models.TextChoices):
        OTHER_COHORT = "session", _("Attend it with another group")
        TASK = "task", _("Catch-up task")

    class Status(models.TextChoices):
        SET = "set", _("To do")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="catch_ups"
    )
    session_plan = models.ForeignKey(
        "curriculum.SessionPlanPage", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("how"), max_length=8, choices=Kind.choices)
    # For OTHER_COHORT: the other cohort's meeting of the same session plan.
    scheduled_session = models.ForeignKey(
        "training.ScheduledSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guests",
    )
    task = models.TextField(_("what to do"), blank=True)
    # What the trainee hands back for a task (optional; some tasks are done in person).
    answer = models.TextField(_("answer"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SET)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "session_plan"],
                condition=~models.Q(status="cancelled"),
                name="one_open_catch_up_per_session",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.session_plan} for {self.enrolment}"


class ProgrammeProgress(models.Model):
    """A trainee's progress through the programme of one enrolment, stored so lists and
    reports read one row per trainee instead of recomputing. ``training.completion`` keeps
    it up to date whenever a mark, a response, a catch-up or the rule changes."""

    enrolment = models.OneToOneField(
        "training.Enrolment", on_delete=models.CASCADE, related_name="progress"
    )
    sessions_planned = models.PositiveSmallIntegerField(default=0)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    sessions_held = models.PositiveSmallIntegerField(default=0)
    worksheets_required = models.PositiveSmallIntegerField(default=0)
    worksheets_done = models.PositiveSmallIntegerField(default=0)
    assessments_required = models.PositiveSmallIntegerField(default=0)
    assessments_passed = models.PositiveSmallIntegerField(default=0)
    is_complete = models.BooleanField(default=False)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("programme progress")
        verbose_name_plural = _("programme progress")
        indexes = [models.Index(fields=["is_complete"])]

    def __str__(self):
        return f"{self.enrolment}: {self.attendance_percent}%"

    @property
    def attendance_percent(self):
        if not self.sessions_planned:
            return 0
        return round(100 * self.sessions_attended / self.sessions_planned)
