from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DisplayPreferences


class DisplayPreferencesForm(forms.ModelForm):
    """Big radio buttons and tick boxes: it works without JavaScript and with a keyboard."""

    class Meta:
        model = DisplayPreferences
        fields = ["text_size", "line_spacing", "reduced_motion", "high_contrast"]
        widgets = {
            "text_size": forms.RadioSelect,
            "line_spacing": forms.RadioSelect,
        }
        help_texts = {
            "reduced_motion": _("Pages do not slide, fade or move."),
            "high_contrast": _("Black text on white, with strong lines and underlined links."),
        }
