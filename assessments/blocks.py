"""The questions a quiz is made of, as StreamField blocks.

Each question keeps the id Wagtail gives its stream child, and each choice the id of its
list item, so an answer stored today still points at the right question after an editor
reorders or rewords them.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=300, label=_("Answer"))
    correct = blocks.BooleanBlock(required=False, label=_("This answer is right"))
    feedback = blocks.CharBlock(
        max_length=500,
        required=False,
        label=_("Feedback"),
        help_text=_("What the trainee reads after choosing this answer."),
    )

    class Meta:
        label = _("Answer")


class QuestionBase(blocks.StructBlock):
    question = blocks.CharBlock(max_length=500, label=_("Question"))
    points = blocks.IntegerBlock(default=1, min_value=1, max_value=20, label=_("Points"))


class SingleChoiceQuestionBlock(QuestionBase):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("Answers"))

    class Meta:
        icon = "radio-full"
        label = _("One right answer")


class MultipleChoiceQuestionBlock(QuestionBase):
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("Answers"))

    class Meta:
        icon = "tasks"
        label = _("Several right answers")
        help_text = _("Full points only when every right answer and no wrong one is chosen.")


class TrueFalseQuestionBlock(QuestionBase):
    true = blocks.BooleanBlock(required=False, label=_("The statement is true"))
    feedback_right = blocks.CharBlock(max_length=500, required=False, label=_("Feedback if right"))
    feedback_wrong = blocks.CharBlock(max_length=500, required=False, label=_("Feedback if wrong"))

    class Meta:
        icon = "tick"
        label = _("True or false")


class PairBlock(blocks.StructBlock):
    left = blocks.CharBlock(max_length=200, label=_("Item"))
    right = blocks.CharBlock(max_length=200, label=_("Goes with"))


class MatchingQuestionBlock(QuestionBase):
    pairs = blocks.ListBlock(PairBlock(), min_num=2, label=_("Pairs"))
    feedback = blocks.CharBlock(max_length=500, required=False, label=_("Feedback"))

    class Meta:
        icon = "list-ul"
        label = _("Matching")
        help_text = _("The trainee sees the right-hand items shuffled and matches each one.")


class ShortAnswerQuestionBlock(QuestionBase):
    guidance = blocks.TextBlock(
        required=False,
        label=_("Guidance for the trainer"),
        help_text=_("What a good answer contains. Only trainers read this."),
    )

    class Meta:
        icon = "edit"
        label = _("Short answer (the trainer marks it)")


class QuizQuestionsBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    true_false = TrueFalseQuestionBlock()
    matching = MatchingQuestionBlock()
    short_answer = ShortAnswerQuestionBlock()

    class Meta:
        min_num = 1
