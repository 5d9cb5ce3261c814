"""Quizzes: questions an editor writes once, attempts a trainee makes, and the result that
counts towards completion."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from ..blocks import QuizQuestionsBlock


class Quiz(index.Indexed, models.Model):
    """A short quiz placed in a session plan's activity."""

    class CountedAttempt(models.TextChoices):
        BEST = "best", _("The best attempt")
        LAST = "last", _("The last attempt")
        FIRST = "first", _("The first attempt")

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("What the trainee reads before starting.")
    )
    questions = StreamField(QuizQuestionsBlock(), verbose_name=_("questions"))
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=70,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        default=3,
        validators=[MaxValueValidator(20)],
        help_text=_("0 means as many as the trainee wants."),
    )
    counted_attempt = models.CharField(
        _("which attempt counts"),
        max_length=5,
        choices=CountedAttempt.choices,
        default=CountedAttempt.BEST,
    )
    closes_days_after_session = models.PositiveSmallIntegerField(
        _("closes (days after the session)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Answers are refused after this many days from the start of the cohort's "
            "session. Leave empty to keep the quiz open."
        ),
    )
    show_feedback = models.BooleanField(
        _("show right answers and feedback after each attempt"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("introduction"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("pass_percent"), FieldPanel("attempts_allowed")]),
                FieldRowPanel(
                    [FieldPanel("counted_attempt"), FieldPanel("closes_days_after_session")]
                ),
                FieldPanel("show_feedback"),
            ],
            heading=_("Marking"),
        ),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title


class QuizAttempt(models.Model):
    """One go at a quiz. Choice questions are marked when it is handed in; short answers
    wait for a trainer, and the attempt has no score until they are marked."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Started")
        NEEDS_MARKING = "needs_marking", _("Waiting for the trainer")
        MARKED = "marked", _("Marked")

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.IN_PROGRESS)
    # Questions as they were when the attempt started, so a later edit cannot change how an
    # attempt already handed in was marked.
    questions = models.JSONField(default=list)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["enrolment", "quiz", "number"]
        verbose_name = _("quiz attempt")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "enrolment", "number"], name="unique_quiz_attempt_number"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} #{self.number} ({self.enrolment_id})"

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(float(self.score) * 100 / float(self.max_score))


class QuizAnswer(models.Model):
    """The trainee's answer to one question of one attempt, with its marking."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=64)
    response = models.JSONField(default=None, null=True)
    points = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    correct = models.BooleanField(null=True)
    feedback = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quiz answer")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.attempt} {self.question_id}"


class QuizResult(models.Model):
    """The attempt that counts for one trainee and quiz, kept up to date so completion and
    the trainer's overview read one row instead of every attempt."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="results")
    enrolment = models.ForeignKey(
        "training.Enrolment", on_delete=models.CASCADE, related_name="quiz_results"
    )
    counted_attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    percent = models.PositiveSmallIntegerField(null=True)
    passed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz result")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "enrolment"], name="one_result_per_quiz"),
        ]

    def __str__(self):
        return f"{self.quiz}: {self.percent}% ({self.enrolment_id})"
