"""Commitments to funders: how many peer supporters an organisation will train."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingTarget(models.Model):
    organisation = models.ForeignKey(
        "training.Organisation", on_delete=models.CASCADE, related_name="targets"
    )
    programme = models.ForeignKey(
        "curriculum.ProgrammePage", on_delete=models.CASCADE, related_name="targets"
    )
    trained = models.PositiveIntegerField(
        _("peer supporters to train"),
        help_text=_("How many trainees should complete the programme, as agreed with funders."),
    )
    due_by = models.DateField(_("by"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["organisation__name", "programme__title"]
        verbose_name = _("training target")
        verbose_name_plural = _("training targets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme"], name="one_target_per_organisation_programme"
            )
        ]

    def __str__(self):
        return f"{self.organisation}: {self.trained} × {self.programme}"
