"""Editor panels that show computed facts beside the fields they come from."""

from django.utils.translation import gettext as _
from wagtail.admin.panels import HelpPanel


class PlannedTimePanel(HelpPanel):
    """Shows the editor the planned time of the saved session against its length, so an
    overrun is visible before anyone runs the session in a room."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "curriculum/panels/planned_time.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["planned"] = page.planned_duration
            if page.pk is None:
                context["total"] = None
                return context
            total = page.planned_minutes()
            context["total"] = total
            context["fits"] = total.low <= page.planned_duration
            context["may_overrun"] = total.high > page.planned_duration
            context["message"] = _(
                "Introduction, activities and closing round: %(total)s, of %(planned)s min."
            ) % {"total": total, "planned": page.planned_duration}
            return context
