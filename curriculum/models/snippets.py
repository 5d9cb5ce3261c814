"""Reusable pieces of a curriculum, kept as snippets so several session plans can share them."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from ..blocks import PLAN_TEXT_FEATURES, QuestionBlock


class PeerSupportValue(index.Indexed, models.Model):
    """A value that peer support rests on, such as Hope or Mutuality.

    The library holds an ordered list that anyone can extend; a programme picks and orders
    the values it teaches (``ProgrammeValue``), so one group can work with seven values and
    another with five.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(
        _("what it means"),
        blank=True,
        help_text=_("One or two plain sentences a trainee can understand."),
    )
    sort_order = models.IntegerField(null=True, blank=True, editable=False)

    panels = [FieldPanel("name"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("peer support value")
        verbose_name_plural = _("peer support values")

    def __str__(self):
        return self.name


class ContentNote(models.Model):
    """A topic that may upset someone, such as addiction or prison, named before a case
    scenario so that a trainee can prepare or step out."""

    name = models.CharField(_("topic"), max_length=60, unique=True)
    description = models.CharField(
        _("what it covers"),
        max_length=200,
        blank=True,
        help_text=_("A few words so a trainee knows what to expect."),
    )

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("content note")
        verbose_name_plural = _("content notes")

    def __str__(self):
        return self.name


class CaseScenario(index.Indexed, ClusterableModel):
    """A story about a person that the group discusses, with questions to guide them.

    Scenarios are shared: the same story can be used by several session plans, and the
    library refuses to delete one that a session still uses.
    """

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One line for lists, such as 'A man who lost his ID and his job'."),
    )
    narrative = RichTextField(_("the story"), features=PLAN_TEXT_FEATURES)
    reflection_questions = StreamField(
        [("question", QuestionBlock())],
        blank=True,
        verbose_name=_("questions for reflection"),
    )
    content_notes = ParentalManyToManyField(
        ContentNote,
        blank=True,
        verbose_name=_("content notes"),
        help_text=_("Topics in the story that may upset someone."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("content_notes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("narrative"),
        FieldPanel("reflection_questions"),
    ]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("summary"),
        index.AutocompleteField("title"),
    ]

    class Meta:
        ordering = ["title"]
        verbose_name = _("case scenario")
        verbose_name_plural = _("case scenarios")

    def __str__(self):
        return self.title

    @property
    def questions(self):
        return [block.value for block in self.reflection_questions]
