"""The parts an editor composes a worksheet from.

Every part says who may read the answers given to it: the trainee alone (a personal
reflection), the trainer, or the whole group for the debrief. Answer keys and trainer notes
of classification exercises live here too and are never shown to trainees.

Parts may also carry an easy-read wording of their question or instructions, shown instead
of the usual words to groups whose adaptation profile asks for easy read, and may let
trainees answer with an audio recording or a picture as well as (or instead of) writing:
some people say more, and say it more easily, when they need not write it down.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

PRIVATE, TRAINER, GROUP = "private", "trainer", "group"
VISIBILITY_CHOICES = [
    (PRIVATE, _("Private: only the trainee sees the answers")),
    (TRAINER, _("Shared with the trainer")),
    (GROUP, _("Shared with the group for the debrief")),
]
# From most to least private. What a trainee was told when writing only ever tightens: an
# answer is read under the stricter of the part's visibility now and the one it was written
# under (``worksheets.access``).
STRICTEST_FIRST = (PRIVATE, TRAINER, GROUP)


def stricter(*visibilities):
    """The most private of ``visibilities``; ``None`` (nothing known) is left out and anything
    unknown counts as private. ``None`` when none is given."""
    known = [v for v in visibilities if v is not None]
    if not known:
        return None
    if any(v not in STRICTEST_FIRST for v in known):
        return PRIVATE
    return min(known, key=STRICTEST_FIRST.index)


AUDIO, PICTURE = "audio", "picture"
ANSWER_FORMAT_CHOICES = [
    (AUDIO, _("An audio recording")),
    (PICTURE, _("A picture (a photo or a drawing)")),
]
ANSWER_FORMATS = (AUDIO, PICTURE)


def answer_formats_block():
    return blocks.MultipleChoiceBlock(
        choices=ANSWER_FORMAT_CHOICES,
        required=False,
        label=_("Trainees may also answer with"),
        help_text=_(
            "Besides writing. Recordings and pictures are kept private like written answers "
            "and follow the same 'Who sees the answers' choice."
        ),
    )


def easy_read_block(label, help_text=""):
    return blocks.TextBlock(
        required=False,
        label=label,
        help_text=help_text
        or _(
            "Optional. Short sentences and everyday words, one idea per sentence. Shown "
            "instead of the usual words to groups whose adaptation profile asks for easy read."
        ),
    )


def visibility_block():
    return blocks.ChoiceBlock(
        choices=VISIBILITY_CHOICES,
        default=TRAINER,
        label=_("Who sees the answers"),
        help_text=_("Personal reflections should stay private."),
    )


class TableColumnBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, label=_("Column heading"))
    prompt = blocks.CharBlock(
        max_length=300,
        required=False,
        label=_("Prompt in each cell"),
        help_text=_("A hint shown in every empty cell of this column."),
    )

    class Meta:
        icon = "table"
        label = _("Column")


class TablePartBlock(blocks.StructBlock):
    instructions = blocks.TextBlock(required=False, label=_("Instructions"))
    rows_from_values = blocks.BooleanBlock(
        required=False,
        label=_("One row per peer support value"),
        help_text=_("Uses the values of the programme the worksheet is used in."),
    )
    rows = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        required=False,
        label=_("Rows"),
        help_text=_("Only when the rows are not the peer support values."),
    )
    columns = blocks.ListBlock(TableColumnBlock(), min_num=1, label=_("Columns"))
    easy_read_instructions = easy_read_block(_("Instructions in easy read"))
    answer_formats = answer_formats_block()
    visibility = visibility_block()

    def clean(self, value):
        value = super().clean(value)
        if not value.get("rows_from_values") and not [r for r in value.get("rows") or [] if r]:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "rows": ValidationError(
                        _("Add at least one row, or tick 'One row per peer support value'.")
                    )
                }
            )
        return value

    class Meta:
        icon = "table"
        label = _("Table")
        description = _("Rows by columns, a box to write in each cell.")


class ReflectionPartBlock(blocks.StructBlock):
    prompt = blocks.TextBlock(label=_("Question or prompt"))
    guidance = blocks.CharBlock(
        max_length=300,
        required=False,
        label=_("Guidance words"),
        help_text=_("Words that help people start, such as 'inspiration, trust, status'."),
    )
    easy_read_prompt = easy_read_block(_("Question in easy read"))
    answer_formats = answer_formats_block()
    visibility = visibility_block()

    class Meta:
        icon = "edit"
        label = _("Reflection")
        description = _("A question answered in the trainee's own words.")


class ClassificationItemBlock(blocks.StructBlock):
    situation = blocks.CharBlock(max_length=200, label=_("Situation"))
    description = blocks.TextBlock(required=False, label=_("What happens"))
    persons_involved = blocks.TextBlock(required=False, label=_("Who is involved"))
    answer = blocks.CharBlock(
        max_length=60,
        required=False,
        label=_("Answer key (trainer only)"),
        help_text=_("One of the choices, exactly as written."),
    )
    trainer_note = blocks.TextBlock(required=False, label=_("Note for the debrief (trainer only)"))

    class Meta:
        icon = "list-ul"
        label = _("Item")


class ClassificationPartBlock(blocks.StructBlock):
    question = blocks.CharBlock(
        max_length=200,
        label=_("Question asked of every item"),
        help_text=_("For example: is secrecy or confidentiality breached?"),
    )
    easy_read_question = easy_read_block(_("Question in easy read"))
    choices = blocks.ListBlock(
        blocks.CharBlock(max_length=60),
        min_num=2,
        default=["Yes", "No", "It depends"],
        label=_("Choices"),
    )
    ask_why = blocks.BooleanBlock(
        required=False, default=True, label=_("Ask the trainee to explain each choice")
    )
    items = blocks.ListBlock(ClassificationItemBlock(), min_num=1, label=_("Items"))
    visibility = visibility_block()

    def clean(self, value):
        value = super().clean(value)
        choices = [choice for choice in value.get("choices") or [] if choice]
        errors = {}
        if len(set(choices)) < len(choices):
            errors["choices"] = ValidationError(_("Each choice must be different."))
        for index, item in enumerate(value.get("items") or []):
            answer = item.get("answer")
            if answer and answer not in choices:
                errors["items"] = ValidationError(
                    _(
                        "Item %(n)s: the answer key '%(answer)s' is not one of the "
                        "choices (%(choices)s)."
                    )
                    % {"n": index + 1, "answer": answer, "choices": ", ".join(choices)}
                )
                break
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "tick"
        label = _("Classification exercise")
        description = _("Items the trainee judges one by one, with an answer key for the trainer.")


class CaseQuestionsPartBlock(blocks.StructBlock):
    case_scenario = SnippetChooserBlock("curriculum.CaseScenario", label=_("Case scenario"))
    questions = blocks.ListBlock(
        blocks.CharBlock(max_length=300),
        required=False,
        label=_("Questions"),
        help_text=_("Leave empty to ask the scenario's own questions."),
    )
    answer_formats = answer_formats_block()
    visibility = visibility_block()

    class Meta:
        icon = "user"
        label = _("Questions on a case scenario")
        description = _("The story shown beside its questions.")


class WorksheetPartsBlock(blocks.StreamBlock):
    table = TablePartBlock()
    reflection = ReflectionPartBlock()
    classification = ClassificationPartBlock()
    case_questions = CaseQuestionsPartBlock()
