"""Adaptation profiles in the Wagtail admin.

The built-in profile can be edited but never deleted: the permission policy hides the
button and the delete view refuses the URL. Copying any profile starts a new one with its
settings. A profile that cohorts use cannot be deleted either (the foreign key protects
it); the delete page says which cohorts instead of failing.
"""

from django.contrib import messages
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CopyView, DeleteView, IndexView, SnippetViewSet

from .models import AdaptationProfile


class ProfilePermissionPolicy(ModelPermissionPolicy):
    """Model permissions, except that nobody deletes the built-in profile."""

    def user_has_permission_for_instance(self, user, action, instance):
        if action == "delete" and instance.built_in:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class ProfileIndexView(IndexView):
    def get_delete_url(self, instance):
        if instance.built_in:
            return None
        return super().get_delete_url(instance)


class ProfileCopyView(CopyView):
    def get_initial_form_instance(self):
        # A copy is never built in, and a unique name is proposed so it saves at once.
        original = self.get_object()
        copy = AdaptationProfile.objects.get(pk=original.pk)
        copy.pk = None
        copy.built_in = False
        name = _("Copy of %(name)s") % {"name": original.name}
        candidate, number = name, 2
        while AdaptationProfile.objects.filter(name=candidate).exists():
            candidate, number = f"{name} ({number})", number + 1
        copy.name = candidate[: AdaptationProfile._meta.get_field("name").max_length]
        return copy


class ProfileDeleteView(DeleteView):
    def dispatch(self, request, *args, **kwargs):
        if self.object.built_in:
            messages.error(
                request,
                _("“%(name)s” is built in and cannot be deleted. Copy it to make your own.")
                % {"name": self.object.name},
            )
            return HttpResponseRedirect(reverse(self.index_url_name))
        return super().dispatch(request, *args, **kwargs)

    def in_use_message(self):
        names = ", ".join(f"“{cohort.name}”" for cohort in self.object.cohorts.all()[:5])
        return _(
            "“%(name)s” cannot be deleted: these cohorts use it: %(cohorts)s. Choose another "
            "profile for them first."
        ) % {"name": self.object.name, "cohorts": names}

    def form_valid(self, form):
        if self.object.cohorts.exists():
            messages.error(self.request, self.in_use_message())
            return HttpResponseRedirect(reverse(self.index_url_name))
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, self.in_use_message())
            return HttpResponseRedirect(reverse(self.index_url_name))


class AdaptationProfileViewSet(SnippetViewSet):
    model = AdaptationProfile
    icon = "group"
    menu_label = gettext_lazy("Adaptation profiles")
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = ProfileIndexView
    copy_view_class = ProfileCopyView
    delete_view_class = ProfileDeleteView
    list_display = [
        "name",
        "duration_factor",
        "break_every_minutes",
        BooleanColumn("built_in", label=gettext_lazy("Built in")),
    ]
    search_fields = ["name"]
    panels = [
        HelpPanel(
            content=gettext_lazy(
                "A profile changes how a cohort's trainees experience the programme; the "
                "session plans stay the same. Choose it on the cohort."
            )
        ),
        FieldPanel("name"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("duration_factor"),
                FieldRowPanel([FieldPanel("break_every_minutes"), FieldPanel("break_minutes")]),
            ],
            heading=gettext_lazy("Time"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("show_visual_schedule"),
                FieldPanel("share_schedule_days_before"),
                FieldPanel("show_content_notes"),
                FieldPanel("prefer_easy_read"),
                FieldPanel("prefer_low_demand"),
            ],
            heading=gettext_lazy("What trainees see"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("what_to_bring"),
                FieldPanel("introduction_text"),
                FieldPanel("break_text"),
                FieldPanel("closure_text"),
            ],
            heading=gettext_lazy("Plain words on the visual schedule"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("default_text_size"), FieldPanel("default_line_spacing")]
                ),
                FieldRowPanel(
                    [FieldPanel("default_reduced_motion"), FieldPanel("default_high_contrast")]
                ),
            ],
            heading=gettext_lazy("How pages look until a trainee chooses"),
        ),
    ]


register_permission_policy(
    AdaptationProfile, ProfilePermissionPolicy(AdaptationProfile), exact_class=True
)
register_snippet(AdaptationProfileViewSet)
