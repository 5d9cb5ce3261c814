"""The register: one mark per trainee and scheduled session."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttendanceMark(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        LEFT_EARLY = "left_early", _("Left early")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    class Source(models.TextChoices):
        REGISTER = "register", _("Register")
        CHECK_IN = "check_in", _("Checked in with the code")
        IMPORT = "import", _("Imported")

    scheduled_session = models.ForeignKey(
        "training.ScheduledSession", on_delete=models.CASCADE, related_name="marks"
    )
    # Usually an enrolment in the session's cohort; a trainee catching up a missed session
    # in another cohort is marked here too, through their own enrolment (see CatchUp).
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="marks"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    minutes_attended = models.PositiveSmallIntegerField(
        _("minutes attended"), null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REGISTER)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    # Raised on every change; a client that sends an older version is told someone else
    # changed the mark, rather than overwriting it.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["scheduled_session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheduled_session", "enrolment"], name="one_mark_per_trainee_session"
            )
        ]

    def __str__(self):
        return f"{self.enrolment.trainee}: {self.get_status_display()}"

    # Statuses that mean the trainee was in the room for at least part of the session.
    IN_THE_ROOM = frozenset({Status.PRESENT, Status.LATE, Status.LEFT_EARLY})
