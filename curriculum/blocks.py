"""StreamField blocks that make up a session plan.

Each block says what it is in its ``Meta`` so an editor sees the purpose before adding one.
Durations are validated here, where the editor types them, so a mistake is pointed at the
field that holds it.
"""

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from .timing import Minutes

GROUPINGS = [
    ("individual", _("Individual")),
    ("pairs", _("Pairs")),
    ("small_groups", _("Small groups")),
    ("plenary", _("Whole group")),
]
GROUPING_LABELS = dict(GROUPINGS)

# Lower-demand ways to take part, for groups whose adaptation profile prefers them
# (profiles.AdaptationProfile.prefer_low_demand): the words are what a trainee reads.
LOW_DEMAND_WAYS = [
    ("pairs", _("In pairs instead of the whole group")),
    ("writing", _("In writing instead of speaking")),
    ("own", _("On your own first, then share if you want")),
]
LOW_DEMAND_LABELS = dict(LOW_DEMAND_WAYS)

# Easy read: short sentences and common words, so formatting stays minimal too.
EASY_READ_FEATURES = ["bold", "ul"]

# Rich text in a session plan is read in the room and printed: keep it to plain structure.
PLAN_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class MaterialBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=200, label=_("What to bring"))
    optional = blocks.BooleanBlock(required=False, label=_("Optional"))

    class Meta:
        icon = "clipboard-list"
        label = _("Material")
        description = _("Something the trainer needs in the room, such as a flipchart.")
        preview_value = {"name": "Flipchart and markers", "optional": False}


class ReferenceBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=300, label=_("Title"))
    details = blocks.CharBlock(
        max_length=300,
        required=False,
        label=_("Details"),
        help_text=_("Authors, unit or chapter, year."),
    )
    url = blocks.URLBlock(required=False, label=_("Link"))

    class Meta:
        icon = "doc-full"
        label = _("Reference")
        description = _("A text, manual or chapter the trainer can read up on.")
        preview_value = {"title": "Introduction to peer support", "details": "Unit 1"}


class TimedBlockMixin:
    """Checks the minutes of a block: a positive minimum and, for a range, a maximum that is
    not smaller than the minimum."""

    def clean_minutes(self, value, low_field, high_field):
        errors = {}
        low, high = value.get(low_field), value.get(high_field)
        if low is None or low < 1:
            errors[low_field] = ValidationError(_("Give the length in whole minutes, at least 1."))
        if high is not None and low is not None and high < low:
            errors[high_field] = ValidationError(
                _(
                    "The longest time (%(high)s min) is shorter than the shortest time "
                    "(%(low)s min). Swap them, or leave this empty for a fixed length."
                )
                % {"high": high, "low": low}
            )
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)


def _has_text(value):
    """True when rich text holds words, not only empty tags an editor left behind."""
    if value is None:
        return False
    source = getattr(value, "source", value) or ""
    return bool(strip_tags(str(source)).strip())


class ActivityValue(blocks.StructValue):
    @property
    def minutes(self):
        return Minutes.of(self.get("duration_min"), self.get("duration_max"))

    @property
    def grouping_labels(self):
        return [GROUPING_LABELS.get(code, code) for code in self.get("groupings") or []]

    @property
    def low_demand_labels(self):
        return [LOW_DEMAND_LABELS.get(code, code) for code in self.get("low_demand_ways") or []]

    @property
    def has_low_demand_alternative(self):
        return bool(self.get("low_demand_ways") or _has_text(self.get("low_demand_alternative")))

    @property
    def has_easy_read(self):
        return _has_text(self.get("easy_read"))


class ActivityBlock(TimedBlockMixin, blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    duration_min = blocks.IntegerBlock(
        min_value=1,
        max_value=600,
        label=_("Minutes"),
        help_text=_("How long it takes. For a range such as 20-30 min, put 20 here."),
    )
    duration_max = blocks.IntegerBlock(
        required=False,
        min_value=1,
        max_value=600,
        label=_("Up to (minutes)"),
        help_text=_("Only for a range: the longest it may take, such as 30."),
    )
    groupings = blocks.MultipleChoiceBlock(
        choices=GROUPINGS,
        required=False,
        label=_("How people work"),
        help_text=_("Tick every way the activity can be run."),
    )
    worksheet = SnippetChooserBlock(
        "worksheets.Worksheet", required=False, label=_("Worksheet used")
    )
    case_scenario = SnippetChooserBlock(
        "curriculum.CaseScenario", required=False, label=_("Case scenario")
    )
    quiz = SnippetChooserBlock("assessments.Quiz", required=False, label=_("Quiz"))
    h5p = SnippetChooserBlock(
        "assessments.H5PActivity", required=False, label=_("Interactive activity (H5P)")
    )
    procedure = blocks.RichTextBlock(features=PLAN_TEXT_FEATURES, label=_("What to do"))
    alternatives = blocks.RichTextBlock(
        features=PLAN_TEXT_FEATURES, required=False, label=_("Alternatives and tips")
    )
    adaptation_notes = blocks.RichTextBlock(
        features=PLAN_TEXT_FEATURES,
        required=False,
        label=_("Adaptation notes"),
        help_text=_("How to change the activity for a group, for example autistic adults."),
    )
    easy_read = blocks.RichTextBlock(
        features=EASY_READ_FEATURES,
        required=False,
        label=_("Easy read for trainees"),
        help_text=_(
            "What happens in this activity, for trainees: short sentences, one idea in each, "
            "everyday words. Groups whose adaptation profile prefers easy read see this "
            "first, with the procedure one tap away."
        ),
    )
    low_demand_ways = blocks.MultipleChoiceBlock(
        choices=LOW_DEMAND_WAYS,
        required=False,
        label=_("Lower-demand ways to take part"),
        help_text=_("Tick what works here instead of speaking in front of the whole group."),
    )
    low_demand_alternative = blocks.RichTextBlock(
        features=PLAN_TEXT_FEATURES,
        required=False,
        label=_("Lower-demand alternative"),
        help_text=_(
            "How to run it with less pressure, for example in pairs instead of a round, or "
            "written answers instead of speaking. Trainers of adapted groups see it; their "
            "trainees see the ways ticked above."
        ),
    )

    def clean(self, value):
        value = super().clean(value)
        self.clean_minutes(value, "duration_min", "duration_max")
        return value

    class Meta:
        icon = "group"
        label = _("Activity")
        value_class = ActivityValue
        description = _("A timed exercise with its procedure, worksheet and case scenario.")
        preview_value = {
            "title": "My role model",
            "duration_min": 30,
            "groupings": ["individual", "plenary"],
            "procedure": "<p>Ask each person to think of someone who inspired them.</p>",
        }


class BreakValue(blocks.StructValue):
    @property
    def minutes(self):
        return Minutes.of(self.get("minutes"))

    @property
    def has_easy_read(self):
        return _has_text(self.get("easy_read"))


class BreakBlock(TimedBlockMixin, blocks.StructBlock):
    DEFAULT_MINUTES = 10

    title = blocks.CharBlock(max_length=100, default=_("Break"), label=_("Title"))
    minutes = blocks.IntegerBlock(
        min_value=1, max_value=120, default=DEFAULT_MINUTES, label=_("Minutes")
    )
    easy_read = blocks.RichTextBlock(
        features=EASY_READ_FEATURES,
        required=False,
        label=_("Easy read for trainees"),
        help_text=_("What people can do in the break, such as 'You can rest in the quiet room.'"),
    )

    def clean(self, value):
        value = super().clean(value)
        self.clean_minutes(value, "minutes", None)
        return value

    class Meta:
        icon = "time"
        label = _("Break")
        value_class = BreakValue
        description = _("A planned pause, so the agenda shows it and keeps time.")
        preview_value = {"title": "Break", "minutes": 10}


class ActivityStreamBlock(blocks.StreamBlock):
    activity = ActivityBlock()
    pause = BreakBlock(label=_("Break"))

    class Meta:
        min_num = 1
        block_counts = {"activity": {"min_num": 1}}


class QuestionBlock(blocks.CharBlock):
    class Meta:
        icon = "help"
        label = _("Question")
