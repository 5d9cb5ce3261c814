from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin import CreditsGroup, FrameworkPermissionPolicy
from .models import CertificateTemplate, CreditFramework
from .template_admin import TemplatePermissionPolicy, TemplateViewSet

# Registered before the viewsets so their buttons and views use them.
register_permission_policy(
    CreditFramework, FrameworkPermissionPolicy(CreditFramework), exact_class=True
)
register_permission_policy(
    CertificateTemplate, TemplatePermissionPolicy(CertificateTemplate), exact_class=True
)
register_snippet(CreditsGroup)
register_snippet(TemplateViewSet)
