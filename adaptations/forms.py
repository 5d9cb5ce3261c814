from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from curriculum.models import ProgrammePage
from lms.page_translations import in_library
from profiles.models import AdaptationProfile

from .access import organisations_for_adapting


class AdaptForm(forms.Form):
    """What "Adapt this programme" asks: for whom, by which organisation, under what name."""

    source = forms.ModelChoiceField(
        label=_("Programme to adapt"),
        queryset=ProgrammePage.objects.live().order_by("title"),
        help_text=_("Its published version is copied, with its session plans."),
    )
    title = forms.CharField(
        label=_("Title of the adaptation"),
        max_length=255,
        help_text=_("For example: Becoming a peer support agent: for autistic adults."),
    )
    slug = forms.SlugField(
        label=_("Short name in the address"),
        max_length=255,
        required=False,
        help_text=_("Leave empty to make one from the title."),
    )
    target_group = forms.CharField(
        label=_("Who it is adapted for"),
        max_length=200,
        help_text=_("For example: autistic adults."),
    )
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    profile = forms.ModelChoiceField(
        label=_("Adaptation profile"),
        queryset=AdaptationProfile.objects.all(),
        required=False,
        help_text=_(
            "The way of running it that fits the group, such as the one for autistic adults. "
            "Trainers set it on each cohort."
        ),
    )
    publish = forms.BooleanField(
        label=_("Publish the copy now"),
        required=False,
        help_text=_(
            "Leave this unticked to read and change the copy first. Until it is published, "
            "trainers cannot choose it for a cohort."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_for_adapting(user)
        # Translations are the same programme in another language: adapt the original.
        self.fields["source"].queryset = in_library(ProgrammePage.objects.live()).order_by("title")

    def clean(self):
        data = super().clean()
        source = data.get("source")
        title = data.get("title")
        if not title:
            return data
        slug = data.get("slug") or slugify(title)[:255]
        if not slug:
            self.add_error("slug", _("Give a short name made of letters, numbers or hyphens."))
            return data
        if source is not None and not ProgrammePage._slug_is_available(slug, source.get_parent()):
            self.add_error(
                "slug" if data.get("slug") else "title",
                _(
                    "A page with the address “%(slug)s” is already in the library. Choose "
                    "another short name."
                )
                % {"slug": slug},
            )
        data["slug"] = slug
        return data
