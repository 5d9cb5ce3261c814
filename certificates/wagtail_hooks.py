from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin import CreditsGroup, FrameworkPermissionPolicy
from .models import CreditFramework

# Registered before the viewset so its buttons and views use it.
register_permission_policy(
    CreditFramework, FrameworkPermissionPolicy(CreditFramework), exact_class=True
)
register_snippet(CreditsGroup)
