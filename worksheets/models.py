"""Worksheets handed to trainees during a session."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Worksheet(index.Indexed, models.Model):
    """A worksheet as the trainer hands it out: a title, where it comes from and what the
    trainee is asked to do. Session plan activities point at it."""

    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the printed version lives, such as a manual, unit and number."),
    )
    instructions = models.TextField(
        _("instructions"), help_text=_("What the trainee is asked to do, in plain words.")
    )

    panels = [FieldPanel("title"), FieldPanel("reference"), FieldPanel("instructions")]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("worksheet")
        verbose_name_plural = _("worksheets")

    def __str__(self):
        return self.title
