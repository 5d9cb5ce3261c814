"""Certificate templates in the Wagtail admin.

Certifying officers and programme managers edit the templates of their own organisations;
the platform's default templates (no organisation) are for superusers only, and others
see them without edit buttons. The statement is checked on save (``CertificateTemplate.clean``),
so a template with a missing {name} or an unknown placeholder never reaches a certificate.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import DeleteView, EditView, SnippetViewSet

from training.models import Organisation

from .models import CertificateTemplate


def _member_of(user, organisation_id):
    return (
        user.is_superuser or Organisation.objects.filter(pk=organisation_id, members=user).exists()
    )


class TemplatePermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if action in ("change", "delete"):
            if instance.organisation_id is None and not user.is_superuser:
                return False
            if instance.organisation_id and not _member_of(user, instance.organisation_id):
                return False
        return super().user_has_permission_for_instance(user, action, instance)


class InstanceCheckedMixin:
    """Wagtail checks the model permission ("may change templates"); this also checks the
    template itself, so an officer cannot open another organisation's by its URL."""

    action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, self.action, self.object
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TemplateEditView(InstanceCheckedMixin, EditView):
    action = "change"


class TemplateDeleteView(InstanceCheckedMixin, DeleteView):
    action = "delete"


class TemplateForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        field = self.fields.get("organisation")
        if field is not None and for_user is not None and not for_user.is_superuser:
            field.queryset = Organisation.objects.filter(members=for_user)
            field.required = True
            field.empty_label = None


class TemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certificate templates")
    menu_order = 265
    add_to_admin_menu = True
    copy_view_enabled = False
    edit_view_class = TemplateEditView
    delete_view_class = TemplateDeleteView
    list_display = ["__str__", "title", "valid_for_months", "updated_at"]
    list_filter = ["language"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("organisation"), FieldPanel("language")]),
            FieldPanel("title"),
            FieldPanel("statement"),
            FieldPanel("logo"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_role")]),
                    FieldRowPanel(
                        [
                            FieldPanel("second_signatory_name"),
                            FieldPanel("second_signatory_role"),
                        ]
                    ),
                ],
                heading=gettext_lazy("Who signs"),
            ),
            FieldPanel("footer"),
            FieldPanel("valid_for_months"),
        ],
        base_form_class=TemplateForm,
    )

    def get_queryset(self, request):
        templates = CertificateTemplate.objects.select_related("organisation")
        if request.user.is_superuser:
            return templates
        return templates.filter(
            Q(organisation__isnull=True) | Q(organisation__members=request.user)
        ).distinct()
