"""Adaptation profiles: how a cohort experiences its programme, and what each person prefers.

A profile is set on a cohort (``training.Cohort.profile``). It does not change the
curriculum: it changes how the same session plan is laid out for that group (longer
activities, planned breaks, a visual schedule shared ahead, easy-read text first, content
notes with a way to step out, lower-demand ways to take part) and how pages look by default.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TextSize(models.TextChoices):
    NORMAL = "normal", _("Normal")
    LARGE = "large", _("Large")
    LARGER = "larger", _("Larger")


class LineSpacing(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WIDE = "wide", _("Wide")
    WIDER = "wider", _("Wider")


class AdaptationProfile(models.Model):
    """A way of running a programme for a group, such as 'Autistic adults'.

    Trainers set one on a cohort; the trainees of that cohort then get the visual schedule,
    easy-read text and the other settings below. The built-in profile comes from a migration
    and cannot be deleted; copy it to make one of your own.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(
        _("what it is for"),
        blank=True,
        help_text=_("Who the profile is for and which guidance it follows."),
    )
    built_in = models.BooleanField(_("built in"), default=False, editable=False)

    # --- time -------------------------------------------------------------------------------
    duration_factor = models.DecimalField(
        _("make activities longer by"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("3.00"))],
        help_text=_("1.25 gives every activity a quarter more time. 1 keeps the planned times."),
    )
    break_every_minutes = models.PositiveSmallIntegerField(
        _("a break after about (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(15), MaxValueValidator(240)],
        help_text=_(
            "A planned break comes at the end of the step in which this much time has "
            "passed since the last break. Leave empty for no extra breaks."
        ),
    )
    break_minutes = models.PositiveSmallIntegerField(
        _("break length (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    # --- what trainees see ------------------------------------------------------------------
    show_visual_schedule = models.BooleanField(
        _("show a visual schedule"),
        default=True,
        help_text=_("Each session as a list of steps with clock times, icons and breaks."),
    )
    share_schedule_days_before = models.PositiveSmallIntegerField(
        _("share the schedule this many days before"),
        default=7,
        validators=[MaxValueValidator(60)],
    )
    show_content_notes = models.BooleanField(
        _("ask before a story with content notes"),
        default=True,
        help_text=_(
            "Before a case scenario with content notes, trainees read the notes and choose "
            "to read it or to step out. Trainers see who stepped out."
        ),
    )
    prefer_easy_read = models.BooleanField(
        _("show easy read first"),
        default=False,
        help_text=_("Where an author wrote an easy-read text, trainees see it first."),
    )
    prefer_low_demand = models.BooleanField(
        _("prefer lower-demand ways to take part"),
        default=False,
        help_text=_("Pairs instead of the whole group, writing instead of speaking."),
    )
    what_to_bring = models.TextField(
        _("what to bring"),
        blank=True,
        help_text=_("One thing per line, in plain words. Shown on every visual schedule."),
    )
    introduction_text = models.CharField(
        _("the start, in plain words"),
        max_length=300,
        blank=True,
        help_text=_("Shown for the first step of every session."),
    )
    closure_text = models.CharField(
        _("the end, in plain words"),
        max_length=300,
        blank=True,
        help_text=_("Shown for the closing round of every session."),
    )
    break_text = models.CharField(
        _("breaks, in plain words"),
        max_length=300,
        blank=True,
        help_text=_("Shown for each break that the session plan does not describe itself."),
    )

    # --- how pages look until a trainee chooses --------------------------------------------
    default_text_size = models.CharField(
        _("text size"), max_length=10, choices=TextSize.choices, default=TextSize.NORMAL
    )
    default_line_spacing = models.CharField(
        _("line spacing"), max_length=10, choices=LineSpacing.choices, default=LineSpacing.NORMAL
    )
    default_reduced_motion = models.BooleanField(_("less movement"), default=False)
    default_high_contrast = models.BooleanField(_("high contrast"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-built_in", "name"]
        verbose_name = _("adaptation profile")
        verbose_name_plural = _("adaptation profiles")

    def __str__(self):
        return self.name

    def delete(self, *args, **kwargs):
        # The admin hides the button; this stops every other way too.
        if self.built_in:
            raise ValidationError(_("The built-in profile cannot be deleted. Copy it instead."))
        return super().delete(*args, **kwargs)

    @property
    def things_to_bring(self):
        return [line.strip() for line in self.what_to_bring.splitlines() if line.strip()]

    def display_defaults(self):
        return {
            "text_size": self.default_text_size,
            "line_spacing": self.default_line_spacing,
            "reduced_motion": self.default_reduced_motion,
            "high_contrast": self.default_high_contrast,
        }


class DisplayPreferences(models.Model):
    """How the pages look for one person: bigger text, more space between lines, less
    movement, stronger contrast. Until someone saves their own, their cohort's profile
    decides."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="display_preferences"
    )
    text_size = models.CharField(
        _("text size"), max_length=10, choices=TextSize.choices, default=TextSize.NORMAL
    )
    line_spacing = models.CharField(
        _("space between lines"),
        max_length=10,
        choices=LineSpacing.choices,
        default=LineSpacing.NORMAL,
    )
    reduced_motion = models.BooleanField(_("less movement"), default=False)
    high_contrast = models.BooleanField(_("high contrast"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("display preferences")
        verbose_name_plural = _("display preferences")

    def __str__(self):
        return str(self.user)

    def as_dict(self):
        return {
            "text_size": self.text_size,
            "line_spacing": self.line_spacing,
            "reduced_motion": self.reduced_motion,
            "high_contrast": self.high_contrast,
        }


class StoryChoice(models.Model):
    """What a trainee chose before a case scenario with content notes: to read it or to
    step out. Stepping out is always fine; the trainer sees it so nobody is asked about a
    story they chose not to read."""

    class Choice(models.TextChoices):
        READ = "read", _("Read it")
        STEPPED_OUT = "stepped_out", _("Stepped out")

    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="story_choices"
    )
    scenario = models.ForeignKey(
        "curriculum.CaseScenario", on_delete=models.CASCADE, related_name="story_choices"
    )
    choice = models.CharField(_("choice"), max_length=12, choices=Choice.choices)
    chosen_at = models.DateTimeField(_("chosen"), auto_now=True)

    class Meta:
        verbose_name = _("story choice")
        verbose_name_plural = _("story choices")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "scenario"], name="one_story_choice_per_trainee"
            )
        ]

    def __str__(self):
        return f"{self.enrolment}: {self.get_choice_display()} ({self.scenario})"

    @property
    def stepped_out(self):
        return self.choice == self.Choice.STEPPED_OUT

    @classmethod
    def record(cls, *, enrolment, scenario, choice):
        """Keep the latest choice: a trainee who stepped out may decide to read it later."""
        if choice not in cls.Choice.values:
            raise ValidationError(_("Choose to read the story or to step out."))
        story_choice, _created = cls.objects.update_or_create(
            enrolment=enrolment, scenario=scenario, defaults={"choice": choice}
        )
        return story_choice
