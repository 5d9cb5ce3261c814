"""Wagtail's users app, configured with this project's user forms (``training.admin.users``).

Wagtail 8 has no setting for the user forms: its users app names the viewset that builds
them, and a project swaps the app's configuration for its own. This module holds only that
configuration, because Django imports it while the apps are still loading (no models here).
"""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAdminConfig(WagtailUsersAppConfig):
    user_viewset = "training.admin.users.UserViewSet"
