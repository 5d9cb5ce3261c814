"""Wagtail admin screens for completion rules.

Programme managers and curriculum editors get the permissions by migration
``training/0004``. Saving a rule, or changing its optional worksheets, recomputes the stored
progress of every enrolment in the programme (``training.completion`` receivers).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet

from ..models import CompletionRule


class CompletionRuleViewSet(ModelViewSet):
    model = CompletionRule
    icon = "tick"
    menu_label = _("Completion rules")
    add_to_admin_menu = True
    menu_order = 310
    form_fields = [
        "programme",
        "min_attendance_percent",
        "late_counts",
        "left_early_counts",
        "worksheets",
        "optional_worksheets",
        "assessments",
        "self_assessments",
        "catch_up_allowed",
    ]
    list_display = ["programme", "min_attendance_percent", "worksheets", "catch_up_allowed"]
    copy_view_enabled = False


completion_rules = CompletionRuleViewSet("completion_rules")

viewsets = [completion_rules]
