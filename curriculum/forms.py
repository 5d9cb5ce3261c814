from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class SessionPlanForm(WagtailAdminPageForm):
    """Checks what the model cannot see while a new page has no place in the tree yet:
    that no other session of the same programme has the same number."""

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("number")
        parent = self.parent_page
        if number and parent is not None:
            from .models import SessionPlanPage

            clash = (
                SessionPlanPage.objects.child_of(parent)
                .filter(number=number)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if clash is not None:
                self.add_error(
                    "number",
                    _(
                        "Session %(number)s of this programme is already '%(title)s'. Pick "
                        "another number."
                    )
                    % {"number": number, "title": clash.title},
                )
        return cleaned
