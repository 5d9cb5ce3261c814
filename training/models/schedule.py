"""A cohort's sessions on the calendar."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ScheduledSession(models.Model):
    """One meeting of a cohort: a session plan of its programme on a date, at a place.

    Ongoing support and supervision meetings for peer supporters who finished their training
    are scheduled the same way, without a session plan; they never count towards completion.
    """

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training session")
        SUPPORT = "support", _("Support session")
        SUPERVISION = "supervision", _("Supervision")

    cohort = models.ForeignKey(
        "training.Cohort", on_delete=models.CASCADE, related_name="scheduled_sessions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRAINING)
    # SET_NULL keeps the date and the register if an editor deletes the plan; the title stays.
    session_plan = models.ForeignKey(
        "curriculum.SessionPlanPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scheduled_sessions",
        verbose_name=_("session plan"),
    )
    title = models.CharField(_("title"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=150)
    place = models.CharField(_("place"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    # When the trainer first saved a mark; a session is "held" once its register is taken.
    register_taken_at = models.DateTimeField(_("register taken"), null=True, blank=True)
    # Trainees may check themselves in with this code while the window is open.
    check_in_code = models.CharField(_("check-in code"), max_length=8, blank=True)
    check_in_opens_at = models.DateTimeField(null=True, blank=True)
    check_in_closes_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("scheduled session")
        verbose_name_plural = _("scheduled sessions")
        constraints = [
            # A cohort meets once per session plan; moving the date is a reschedule.
            models.UniqueConstraint(
                fields=["cohort", "session_plan"],
                condition=models.Q(session_plan__isnull=False),
                name="one_scheduled_session_per_plan",
            )
        ]
        indexes = [models.Index(fields=["cohort", "starts_at"])]

    def __str__(self):
        return f"{self.display_title} ({self.cohort})"

    @property
    def display_title(self):
        if self.title:
            return self.title
        if self.session_plan_id:
            from lms.page_translations import translated_title

            return translated_title(self.session_plan)  # in the reader's language
        return self.get_kind_display()

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)

    @property
    def is_held(self):
        """Held means it took place: its register was taken, or its start has passed."""
        return not self.cancelled and (
            self.register_taken_at is not None or self.starts_at <= timezone.now()
        )

    def check_in_open(self, at=None):
        at = at or timezone.now()
        return bool(
            self.check_in_code
            and self.check_in_opens_at
            and self.check_in_closes_at
            and self.check_in_opens_at <= at <= self.check_in_closes_at
        )


class ScheduleChange(models.Model):
    """A reschedule: where and when the session was before, so the history is never lost."""

    scheduled_session = models.ForeignKey(
        ScheduledSession, on_delete=models.CASCADE, related_name="changes"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    previous_starts_at = models.DateTimeField()
    previous_place = models.CharField(max_length=255, blank=True)
    previous_online_link = models.URLField(blank=True)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=255, blank=True)
    online_link = models.URLField(blank=True)
    cancelled = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.scheduled_session} moved on {self.changed_at:%Y-%m-%d}"
