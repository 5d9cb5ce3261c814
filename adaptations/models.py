"""Adaptations: a programme copied from another one for a group, and what ties the copy to
its original, so that the adapter hears about the original's later improvements.

Each copied piece keeps a *baseline*: what the original said the last time the adapter took
or set aside its changes, one entry per field and per activity. Comparing the original now,
the baseline and the adapter's own version tells apart three cases: the original changed
(offer the change), the adapter changed (leave it alone), both changed (a conflict the
adapter settles). Baselines are stored here rather than read from old Wagtail revisions,
because ``purge_revisions`` may delete those; the revision ids are kept as the record of
which published version the copy came from and was last brought up to date with.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Adaptation(models.Model):
    """A programme adapted for a group by an organisation, such as Kent's version for
    autistic adults of the peer support agent course."""

    programme = models.OneToOneField(
        "curriculum.ProgrammePage",
        on_delete=models.CASCADE,
        related_name="adaptation",
        verbose_name=_("adapted programme"),
    )
    # Deleting the original must not delete the adaptations made from it: they keep its title.
    source = models.ForeignKey(
        "curriculum.ProgrammePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adaptations",
        verbose_name=_("original programme"),
    )
    source_title = models.CharField(_("title of the original"), max_length=255)
    source_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version copied"),
    )
    last_synced_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version last brought up to date with"),
    )
    baseline = models.JSONField(default=dict, blank=True, editable=False)
    target_group = models.CharField(
        _("who it is adapted for"),
        max_length=200,
        help_text=_("For example: autistic adults."),
    )
    organisation = models.ForeignKey(
        "training.Organisation",
        on_delete=models.PROTECT,
        related_name="adaptations",
        verbose_name=_("organisation"),
    )
    # The way of running the programme it was adapted with (set on its cohorts too).
    profile = models.ForeignKey(
        "profiles.AdaptationProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adaptations",
        verbose_name=_("adaptation profile"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("made by"),
    )
    created_at = models.DateTimeField(_("made on"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("adaptation")
        verbose_name_plural = _("adaptations")

    def __str__(self):
        return str(self.programme.title if self.programme_id else self.source_title)

    @property
    def original_title(self):
        return self.source.title if self.source_id else self.source_title


class AdaptedSession(models.Model):
    """One session plan of an adaptation and the session of the original it was copied from.

    ``copy_session`` is empty when the adapter deleted their copy, or chose not to take a
    session the original added later (the row then records that choice).
    """

    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="sessions")
    source_session = models.ForeignKey(
        "curriculum.SessionPlanPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session of the original"),
    )
    source_title = models.CharField(_("title in the original"), max_length=255)
    copy_session = models.OneToOneField(
        "curriculum.SessionPlanPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adapted_from",
        verbose_name=_("adapted session"),
    )
    source_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published version copied"),
    )
    last_synced_revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version last brought up to date with"),
    )
    baseline = models.JSONField(default=dict, blank=True, editable=False)
    # Set when the adapter has seen that the original no longer has this session.
    removal_seen = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["adaptation", "pk"]
        verbose_name = _("adapted session")
        verbose_name_plural = _("adapted sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["adaptation", "source_session"], name="one_copy_per_original_session"
            )
        ]

    def __str__(self):
        return str(self.copy_session or self.source_title)


class AdaptedSnippet(models.Model):
    """A worksheet, case scenario or quiz the adaptation has its own copy of, so the adapter
    can change it without changing it for everyone who uses the original."""

    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="snippets")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    copy_id = models.PositiveBigIntegerField()
    source_title = models.CharField(_("title in the original"), max_length=255)
    baseline = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["content_type", "source_title", "pk"]
        verbose_name = _("adapted library item")
        verbose_name_plural = _("adapted library items")
        constraints = [
            models.UniqueConstraint(
                fields=["adaptation", "content_type", "source_id"],
                name="one_copy_per_original_snippet",
            )
        ]

    def __str__(self):
        return self.source_title


class ChangeDecision(models.Model):
    """What an adapter did with one change in the original. Kept so that the history can be
    read, and so that a local text replaced by the original's can always be found again."""

    class Action(models.TextChoices):
        TAKEN = "taken", _("Taken")
        IGNORED = "ignored", _("Ignored")
        KEPT_MINE = "kept_mine", _("Kept mine")
        USED_ORIGINAL = "used_original", _("Used the original's")

    adaptation = models.ForeignKey(Adaptation, on_delete=models.CASCADE, related_name="decisions")
    where = models.CharField(_("where"), max_length=500)
    key = models.CharField(max_length=300)
    action = models.CharField(_("what was done"), max_length=16, choices=Action.choices)
    original_value = models.JSONField(_("the original's version"), null=True, blank=True)
    your_value = models.JSONField(_("your version before"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision on a change in the original")
        verbose_name_plural = _("decisions on changes in the original")

    def __str__(self):
        return f"{self.where}: {self.get_action_display()}"
