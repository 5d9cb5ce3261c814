"""Self-assessments in the Wagtail admin: an editor turns one on for a session plan.

The statements are the session plan's own learning outcomes, so the form only asks which
session, how to introduce it, when the second round happens and whether it counts towards
completion. Once saved, the outcomes are listed in the form as a reminder of what
trainees will rate.
"""

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import SelfAssessment


class OutcomesPanel(HelpPanel):
    """The chosen session plan's learning outcomes: the statements trainees will rate."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.content = outcomes_help(self.instance)


def outcomes_help(instance):
    plan = instance.session_plan if instance.session_plan_id else None
    if plan is None:
        return format_html(
            '<div class="help-block help-info"><p>{}</p></div>',
            _(
                "Trainees rate each learning outcome of the session you choose. Save to see "
                "the outcomes here; to change them, edit the session plan."
            ),
        )
    outcomes = [o.text for o in plan.learning_outcomes.all()]
    if not outcomes:
        return format_html(
            '<div class="help-block help-warning"><p>{}</p></div>',
            _("This session plan has no learning outcomes yet: add some to the session plan."),
        )
    return format_html(
        '<div class="help-block help-info"><p>{}</p><ul>{}</ul></div>',
        _("Trainees will rate these outcomes, from “Not yet” to “Fully”:"),
        format_html_join("", "<li>{}</li>", ((text,) for text in outcomes)),
    )


class SelfAssessmentViewSet(SnippetViewSet):
    model = SelfAssessment
    icon = "tick-inverse"
    menu_label = gettext_lazy("Self-assessments")
    menu_order = 240
    add_to_admin_menu = True
    list_display = ["session_plan", "after", "counts_towards_completion"]
    list_filter = ["after", "counts_towards_completion"]
    copy_view_enabled = False
    panels = [
        FieldPanel("session_plan"),
        OutcomesPanel(heading=gettext_lazy("Statements")),
        FieldPanel("introduction"),
        FieldPanel("after"),
        FieldPanel("counts_towards_completion"),
    ]


snippet_viewsets = [SelfAssessmentViewSet]
viewsets = []
