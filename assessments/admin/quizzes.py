"""Quizzes in the Wagtail admin, as snippets so session plan activities can choose them.

The edit form refuses a quiz nobody could answer rightly: a one-answer question without
exactly one right answer, a several-answers question without any, a matching question with
fewer than two pairs. The rules live in ``assessments.quizzes.question_problems`` so any form
can call them through ``QuizForm.clean``.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.blocks import StreamBlockValidationError
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import Quiz
from ..quizzes import question_problems


def _raw_questions(value):
    """The stream's questions as raw data, whichever form the form field returned."""
    if value is None:
        return []
    if hasattr(value, "get_prep_value"):
        return value.get_prep_value()
    return list(value)


class QuizForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        questions = cleaned.get("questions")
        if questions is None:
            return cleaned
        problems = question_problems(_raw_questions(questions))
        if problems:
            # Each message goes on its own question in the editor, and a summary on top.
            errors = {}
            for index, message in problems:
                errors.setdefault(index, []).append(message)
            self.add_error(
                "questions",
                StreamBlockValidationError(
                    block_errors={i: ValidationError(" ".join(m)) for i, m in errors.items()},
                    non_block_errors=[
                        ngettext(
                            "%(count)s question needs a change before the quiz can be saved.",
                            "%(count)s questions need a change before the quiz can be saved.",
                            len(errors),
                        )
                        % {"count": len(errors)}
                    ],
                ),
            )
        return cleaned


def question_count(quiz):
    return len(quiz.questions.raw_data)


def attempts_words(quiz):
    return quiz.attempts_allowed or _("No limit")


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    menu_order = 220
    add_to_admin_menu = True
    # The model's own panels, with the form that checks the questions.
    edit_handler = ObjectList(Quiz.panels, base_form_class=QuizForm)
    list_display = [
        "title",
        Column("questions", label=_("Questions"), accessor=question_count),
        Column("pass_percent", label=_("Pass mark (%)")),
        Column("attempts_allowed", label=_("Attempts"), accessor=attempts_words),
        Column("counted_attempt", label=_("Counts"), accessor="get_counted_attempt_display"),
        DateColumn("updated_at", label=_("Changed")),
    ]
    list_filter = ["counted_attempt", "show_feedback"]
    search_fields = ["title"]
    # A read-only look at the quiz's settings without opening the editor.
    inspect_view_enabled = True
    inspect_view_fields = [
        "title",
        "introduction",
        "pass_percent",
        "attempts_allowed",
        "counted_attempt",
        "closes_days_after_session",
        "show_feedback",
        "questions",
    ]


snippet_viewsets = [QuizViewSet]
viewsets = []
